"""The exercise's application package: `web.app:app` is the WSGI app gunicorn serves."""
