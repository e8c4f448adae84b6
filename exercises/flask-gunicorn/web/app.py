"""The exercise's application: a minimal Flask app.

Students serve it with ``gunicorn --bind 0.0.0.0:5000 web.app:app``; ``GET /`` answers ``Hello from Flask``.
Written for flask==3.1.3 and gunicorn==27.0.1 (the versions requirements.txt pins), on Python 3.11.
"""
from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello():
    return "Hello from Flask\n"
