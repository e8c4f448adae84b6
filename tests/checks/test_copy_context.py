import pytest

from graders.checks.static.copy_context import check
from tests.checks.helpers import assert_fails, assert_passes

SERVER = {"destination": "/server"}
NONROOT = {"destination": "/home/runner/server"}


@pytest.mark.parametrize(
    ("dockerfile", "parameters"),
    [
        ("FROM ubuntu:20.04\nCOPY . /server\n", {}),
        ("from ubuntu:20.04\r\ncopy ./ /server/\r\n", {}),
        ("FROM ubuntu:20.04\nWORKDIR /server\nCOPY . .\n", {}),
        ("FROM ubuntu:20.04\nWORKDIR /server\nCOPY . ./\n", {}),
        ("FROM ubuntu:20.04\nADD . /server\n", {}),
        ('FROM ubuntu:20.04\nCOPY [".", "/server"]\n', {}),
        ("FROM ubuntu:20.04\nCOPY . /server\nWORKDIR /server\n", {}),
        ("FROM python:3.8.12\nWORKDIR /server\nCOPY pyproject.toml poetry.lock ./\nRUN true\nCOPY . .\n", {}),
        ("FROM python:3.8.12-slim\nWORKDIR /home/runner/server\nCOPY --chown=runner:runner . .\n", NONROOT),
        ("FROM python:3.8.12-slim\nCOPY --chown=10000 --chmod=755 . /home/runner/server\n", NONROOT),
        ("FROM python:3.8.12 AS build\nCOPY app /build\nFROM python:3.8.12\nWORKDIR /server\n"
         "COPY --from=build /build /opt\nCOPY . .\n", {}),
    ],
    ids=["plain", "lowercase-slashes-crlf", "dot-dot-after-workdir", "dot-slash", "add", "json-form",
         "before-workdir", "lock-files-first", "nonroot-chown", "several-flags", "multi-stage"],
)
def test_passes(dockerfile, parameters):
    assert_passes(check, dockerfile, **{**SERVER, **parameters})


@pytest.mark.parametrize(
    ("dockerfile", "parameters", "line", "says"),
    [
        ("FROM ubuntu:20.04\nWORKDIR /server\nCOPY app /server/app\n", {}, 3,
         "copies only part of the build context; the whole of it, the app's project files included, must go into "
         "/server"),
        ("FROM ubuntu:20.04\nCOPY . /app\n", {}, 2, "copies the build context to /app, not /server"),
        ("FROM ubuntu:20.04\nCOPY . .\n", {}, 2, "to / (the working directory at that point)"),
        ("FROM ubuntu:20.04\nCOPY . .\nWORKDIR /server\n", {}, 2, "to / (the working directory at that point)"),
        ("FROM ubuntu:20.04\nWORKDIR /app\nCOPY . .\n", {}, 3, "to /app"),
        ("FROM ubuntu:20.04\nRUN true\n", {}, None, "no COPY of the build context"),
        ("FROM ubuntu:20.04 AS build\nCOPY . /src\nFROM ubuntu:20.04\nCOPY --from=build /src /server\n", {}, None,
         "no COPY"),
        ("FROM ubuntu:20.04\nCOPY --from=build . /server\n", {}, None, "no COPY of the build context"),
        ("FROM python:3.8.12-slim\nCOPY . /server\n", NONROOT, 2, "write `COPY . /home/runner/server`"),
    ],
    ids=["part-only", "other-destination", "dot-dot-without-workdir", "dot-dot-before-workdir",
         "dot-dot-in-other-workdir", "missing", "from-other-stage", "from-flag", "nonroot-server"],
)
def test_fails(dockerfile, parameters, line, says):
    assert_fails(check, dockerfile, line=line, says=says, **{**SERVER, **parameters})
