"""The exercise's application: a minimal FastAPI server.

Students run it with ``uvicorn app.main:app --host 0.0.0.0 --port 8000``; ``GET /`` answers
``{"message": "Hello World"}``. Written for fastapi==0.78.0 (the version the exercise pins).
"""
from fastapi import FastAPI

app = FastAPI()


@app.get("/")
def root():
    return {"message": "Hello World"}
