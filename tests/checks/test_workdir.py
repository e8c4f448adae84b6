import pytest

from graders.checks.static.workdir import check
from tests.checks.helpers import assert_fails, assert_passes

SERVER = {"path": "/server"}
NONROOT = {"path": "/home/runner/server"}


@pytest.mark.parametrize(
    ("dockerfile", "parameters"),
    [
        ("FROM ubuntu:20.04\nWORKDIR /server\n", {}),
        ("FROM ubuntu:20.04\r\nworkdir /server/\r\n", {}),
        ("FROM ubuntu:20.04\nWORKDIR server\n", {}),
        ("FROM ubuntu:20.04\nWORKDIR /app\nWORKDIR /server\n", {}),
        ('FROM ubuntu:20.04\nWORKDIR "/server"\n', {}),
        ("FROM python:3.8.12-slim\nWORKDIR /home/runner/server\n", NONROOT),
        ("FROM python:3.8.12-slim\nWORKDIR /home/runner\nWORKDIR server\n", NONROOT),
        ("FROM python:3.8.12-slim\nENV HOME=/home/runner\nWORKDIR $HOME/server\n", NONROOT),
        ("FROM python:3.8.12-slim AS base\nWORKDIR /server\nFROM base\nRUN true\n", {}),
    ],
    ids=["plain", "lowercase-trailing-slash-crlf", "relative-from-root", "last-counts", "quoted", "nonroot",
         "nonroot-relative", "nonroot-variable", "inherited-from-stage"],
)
def test_passes(dockerfile, parameters):
    assert_passes(check, dockerfile, **{**SERVER, **parameters})


@pytest.mark.parametrize(
    ("dockerfile", "parameters", "line", "says"),
    [
        ("FROM ubuntu:20.04\nRUN true\n", {}, None, "no WORKDIR"),
        ("FROM ubuntu:20.04\nWORKDIR /app\n", {}, 2, "makes the working directory /app, not /server"),
        ("FROM ubuntu:20.04\nWORKDIR /server\nWORKDIR /app\n", {}, 3, "the last WORKDIR counts"),
        ("FROM ubuntu:20.04\nWORKDIR /server\nWORKDIR app\n", {}, 3, "(relative to the previous working directory)"),
        ("FROM python:3.8.12-slim\nWORKDIR /server\n", NONROOT, 2, "write `WORKDIR /home/runner/server`"),
        ("FROM ubuntu:20.04 AS build\nWORKDIR /server\nFROM ubuntu:20.04\nCMD [\"x\"]\n", {}, None, "no WORKDIR"),
    ],
    ids=["missing", "other", "overridden", "relative-to-server", "nonroot-server", "earlier-stage-only"],
)
def test_fails(dockerfile, parameters, line, says):
    assert_fails(check, dockerfile, line=line, says=says, **{**SERVER, **parameters})
