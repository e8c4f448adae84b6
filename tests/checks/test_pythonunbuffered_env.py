import pytest

from graders.checks.static.pythonunbuffered_env import check
from tests.checks.helpers import assert_fails, assert_passes

EXERCISE = {"name": "PYTHONUNBUFFERED", "value": "1"}


@pytest.mark.parametrize(
    "dockerfile",
    [
        "FROM ubuntu:20.04\nENV PYTHONUNBUFFERED 1\n",
        "FROM ubuntu:20.04\nENV PYTHONUNBUFFERED=1\n",
        'from ubuntu:20.04\r\nenv PYTHONUNBUFFERED="1"\r\n',
        "FROM ubuntu:20.04\nENV PYTHONDONTWRITEBYTECODE=1 \\\n    # unbuffered logs\n    PYTHONUNBUFFERED=1\n",
        "FROM ubuntu:20.04\nARG UNBUFFERED=1\nENV PYTHONUNBUFFERED=${UNBUFFERED}\n",
        "FROM ubuntu:20.04\nENV PYTHONUNBUFFERED=0\nENV PYTHONUNBUFFERED=1\n",
        "FROM python:3.8.12-slim AS base\nENV PYTHONUNBUFFERED=1\nFROM base\nCMD [\"x\"]\n",
    ],
    ids=["legacy-space", "equals", "lowercase-quoted-crlf", "several-with-comment", "from-arg", "last-wins",
         "inherited-from-stage"],
)
def test_passes(dockerfile):
    assert_passes(check, dockerfile, **EXERCISE)


@pytest.mark.parametrize(
    ("dockerfile", "line", "says"),
    [
        ("FROM ubuntu:20.04\nRUN true\n", None, "no `ENV PYTHONUNBUFFERED=1`"),
        ("FROM ubuntu:20.04\nENV PYTHONUNBUFFERED 0\n", 2, "the value `0`"),
        ('FROM ubuntu:20.04\nENV PYTHONUNBUFFERED=""\n', 2, "an empty value"),
        ("FROM ubuntu:20.04\nENV PYTHONUNBUFFERED=1\nENV PYTHONUNBUFFERED=0\n", 3, "write `ENV PYTHONUNBUFFERED=1`"),
        ("FROM ubuntu:20.04\nARG PYTHONUNBUFFERED=1\n", 2, "ARG does not persist into the container"),
        ("FROM ubuntu:20.04\nENV pythonunbuffered=1\n", None, "no `ENV PYTHONUNBUFFERED=1`"),
        ("FROM ubuntu:20.04 AS build\nENV PYTHONUNBUFFERED=1\nFROM ubuntu:20.04\n", None, "no `ENV"),
    ],
    ids=["missing", "zero", "empty", "overridden-with-zero", "arg-instead", "wrong-case", "earlier-stage-only"],
)
def test_fails(dockerfile, line, says):
    assert_fails(check, dockerfile, line=line, says=says, **EXERCISE)


def test_reads_the_variable_and_its_value_from_its_parameters():
    dockerfile = "FROM python:3.12-slim\nENV PYTHONDONTWRITEBYTECODE=1\n"
    assert_passes(check, dockerfile, name="PYTHONDONTWRITEBYTECODE", value="1")
    assert_fails(check, dockerfile, line=None, says="no `ENV PYTHONUNBUFFERED=1`", **EXERCISE)
    assert_fails(check, dockerfile, line=2, says="gives PYTHONDONTWRITEBYTECODE the value `1`; write "
                 "`ENV PYTHONDONTWRITEBYTECODE=yes`", name="PYTHONDONTWRITEBYTECODE", value="yes")
