import pytest

from graders.checks.static.entrypoint import check
from tests.checks.helpers import assert_fails, assert_passes

UVICORN = {"accepted": (("uvicorn",),)}
POETRY = {"accepted": (("poetry", "run"),)}
EITHER = {"accepted": [["uvicorn"], ["poetry", "run"]]}  # as the rubric's TOML gives it


@pytest.mark.parametrize(
    ("dockerfile", "parameters"),
    [
        ('FROM ubuntu:20.04\nENTRYPOINT ["uvicorn"]\n', {}),
        ('from ubuntu:20.04\r\nentrypoint [ "uvicorn" ]\r\n', {}),
        ('FROM python:3.8.12\nENTRYPOINT ["poetry", "run"]\n', POETRY),
        ('FROM python:3.8.12-slim\nENTRYPOINT ["poetry", "run"]\n', EITHER),
        ('FROM python:3.8.12-slim\nENTRYPOINT ["uvicorn"]\n', EITHER),
        ('FROM ubuntu:20.04\nENTRYPOINT uvicorn\nENTRYPOINT ["uvicorn"]\n', {}),
        ('FROM python:3.8.12 AS base\nENTRYPOINT ["poetry", "run"]\nFROM base\nCMD ["uvicorn"]\n', POETRY),
    ],
    ids=["uvicorn", "lowercase-spaces-crlf", "poetry-run", "nonroot-poetry", "nonroot-uvicorn", "last-counts",
         "inherited-from-stage"],
)
def test_passes(dockerfile, parameters):
    assert_passes(check, dockerfile, **{**UVICORN, **parameters})


@pytest.mark.parametrize(
    ("dockerfile", "parameters", "line", "says"),
    [
        ("FROM ubuntu:20.04\nENTRYPOINT uvicorn\n", {}, 2,
         "`ENTRYPOINT uvicorn` is shell form; Docker then runs it under /bin/sh -c and ignores CMD"),
        ("FROM python:3.8.12\nENTRYPOINT poetry run\n", POETRY, 2, 'ignores CMD, so `poetry run` starts with no app'),
        ('FROM ubuntu:20.04\nENTRYPOINT ["uvicorn"\n', {}, 2, "is not valid JSON, so Docker falls back to shell form"),
        ("FROM ubuntu:20.04\nENTRYPOINT ['uvicorn']\n", {}, 2, "not valid JSON"),
        ("FROM ubuntu:20.04\nCMD [\"app.main:app\"]\n", {}, None, 'no ENTRYPOINT; add `ENTRYPOINT ["uvicorn"]`'),
        ('FROM ubuntu:20.04\nENTRYPOINT ["python3.8", "-m", "uvicorn"]\n', {}, 2,
         'runs `python3.8 -m uvicorn`; the task expects `ENTRYPOINT ["uvicorn"]`'),
        ('FROM python:3.8.12\nENTRYPOINT ["uvicorn"]\n', POETRY, 2, 'expects `ENTRYPOINT ["poetry", "run"]`'),
        ('FROM ubuntu:20.04\nENTRYPOINT ["poetry", "run"]\n', {}, 2, 'expects `ENTRYPOINT ["uvicorn"]`'),
        ('FROM python:3.8.12-slim\nENTRYPOINT ["python"]\n', EITHER, 2,
         'expects `ENTRYPOINT ["uvicorn"]` or `ENTRYPOINT ["poetry", "run"]`'),
        ("FROM ubuntu:20.04\nENTRYPOINT []\n", {}, 2, "clears the entrypoint"),
        ('FROM ubuntu:20.04\nENTRYPOINT ["uvicorn"]\nENTRYPOINT uvicorn\n', {}, 3, "shell form"),
        ('FROM ubuntu:20.04 AS build\nENTRYPOINT ["uvicorn"]\nFROM ubuntu:20.04\n', {}, None, "no ENTRYPOINT"),
    ],
    ids=["shell-form", "shell-form-poetry", "invalid-json", "single-quotes", "missing", "python-m-uvicorn",
         "uvicorn-for-poetry", "poetry-for-uvicorn", "nonroot-other", "empty", "last-is-shell-form",
         "earlier-stage-only"],
)
def test_fails(dockerfile, parameters, line, says):
    assert_fails(check, dockerfile, line=line, says=says, **{**UVICORN, **parameters})
