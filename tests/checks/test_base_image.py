import pytest

from graders.checks.static.base_image import check
from tests.checks.helpers import assert_fails, assert_passes

UBUNTU = {"image": "ubuntu:20.04", "aliases": ("ubuntu:focal",)}
PYTHON = {"image": "python:3.8.12"}
SLIM = {"image": "python:3.8.12-slim"}
DIGEST = "sha256:" + "a" * 64


@pytest.mark.parametrize(
    ("dockerfile", "parameters"),
    [
        ("FROM ubuntu:20.04\n", UBUNTU),
        ("from ubuntu:20.04\r\nRUN true\r\n", UBUNTU),
        ("FROM docker.io/library/ubuntu:20.04\n", UBUNTU),
        ("FROM index.docker.io/library/ubuntu:20.04\n", UBUNTU),
        ("FROM library/ubuntu:20.04\n", UBUNTU),
        (f"FROM ubuntu:20.04@{DIGEST}\n", UBUNTU),
        ("FROM ubuntu:focal\n", UBUNTU),
        ("ARG BASE=ubuntu:20.04\nFROM ${BASE}\n", UBUNTU),
        ("FROM --platform=linux/amd64 ubuntu:20.04 AS app\n", UBUNTU),
        ("FROM python:3.8.12\n", PYTHON),
        ("FROM python:3.8.12-slim\n", SLIM),
        ("FROM python:3.8.12-slim AS base\nWORKDIR /server\nFROM base\nCMD [\"x\"]\n", SLIM),
        ("FROM python:3.8 AS build\nRUN true\nFROM python:3.8.12-slim\n", SLIM),
    ],
    ids=[
        "plain", "lowercase-crlf", "docker-io-library", "index-docker-io", "library-prefix", "digest-after-tag",
        "alias", "arg-substituted", "platform-flag-and-name", "python", "slim", "final-stage-from-stage",
        "only-final-stage-counts",
    ],
)
def test_passes(dockerfile, parameters):
    assert_passes(check, dockerfile, **parameters)


@pytest.mark.parametrize(
    ("dockerfile", "parameters", "line", "says"),
    [
        ("FROM ubuntu:latest\n", UBUNTU, 1, "`ubuntu:latest` changes with every release"),
        ("FROM ubuntu\n", UBUNTU, 1, "without a tag Docker pulls `ubuntu:latest`"),
        ("FROM ubuntu:22.04\n", UBUNTU, 1, "`FROM ubuntu:22.04` on line 1: the task requires `ubuntu:20.04`"),
        ("FROM ubuntu:focal\n", {"image": "ubuntu:20.04"}, 1, "write `FROM ubuntu:20.04`"),
        (f"FROM ubuntu@{DIGEST}\n", UBUNTU, 1, "the task requires"),
        ("FROM python:3.8\n", PYTHON, 1, "the task requires `python:3.8.12`"),
        ("FROM python:3.8.12-slim\n", PYTHON, 1, "write `FROM python:3.8.12`"),
        ("FROM python:3.8.12\n", SLIM, 1, "write `FROM python:3.8.12-slim`"),
        ("FROM python:3.8.12 AS base\nRUN true\nFROM base\n", SLIM, 1, "built on stage `base`"),
        ("FROM python:3.8.12-slim AS build\nFROM python:3.8.12\n", SLIM, 2, "`FROM python:3.8.12` on line 2"),
        ("RUN true\n", UBUNTU, None, "no FROM instruction"),
    ],
    ids=[
        "latest", "no-tag", "other-version", "alias-not-given", "digest-without-tag", "python-minor-only",
        "slim-for-full", "full-for-slim", "stage-chain-reports-root", "final-stage-wrong", "no-from",
    ],
)
def test_fails(dockerfile, parameters, line, says):
    assert_fails(check, dockerfile, line=line, says=says, **parameters)
