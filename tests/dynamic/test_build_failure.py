"""Why a build made no image, and whose failure that is: the failing step and its line, a limit, or the machine's."""

import pytest

from graders.build_failure import failed_build, failing_step, unreachable_registry
from graders.build_loop import BuildOutput
from graders.core import HarnessError, Inconclusive
from graders.dockerfile import parse

DOCKERFILE = parse("ARG V=1\nFROM python:3.8.12-slim\nWORKDIR /server\n\nRUN pip install nope\nCMD [\"true\"]\n")
LOG = ["Step 1/7 : ARG V=1", "Step 2/7 : FROM python:3.8.12-slim", " ---> 0123456789ab",
       "Step 3/7 : WORKDIR /server", " ---> Using cache", "Step 4/7 : RUN pip install nope",
       " ---> Running in 0123456789ab", "ERROR: No matching distribution found for nope"]


def never() -> str | None:
    raise AssertionError("asked about the stand-in although the failure is no stand-in's")


def output(error="The command '/bin/sh -c pip install nope' returned a non-zero code: 1", log=LOG, **fields):
    return BuildOutput(None, list(log), error, **fields)


def test_the_failing_step_its_line_and_the_log_without_the_harness_steps():
    result = failed_build(output(), DOCKERFILE, extra_steps=1, notes=[], unfaithful_standin=lambda: None)
    assert not result.ok and result.failing_step == "Step 4/6 : RUN pip install nope" and result.line == 5
    assert result.message.startswith("Step 4/6 : RUN pip install nope failed: The command")
    assert "  Step 3/6 : WORKDIR /server" in result.message and "Using cache" not in result.message
    assert "No matching distribution found for nope" in result.message


def test_a_step_number_that_is_not_the_files_has_no_line():
    assert failing_step(["Step 9/9 : RUN x"], DOCKERFILE, 0) == ("Step 9/9 : RUN x", None)
    assert failing_step(["Step 3/7 : RUN x"], DOCKERFILE, 0) == ("Step 3/7 : RUN x", None), "not the keyword of line 3"


def test_a_limit_is_the_students_whatever_the_base_image():
    limit = "the build wrote more than its disk budget of 200 MiB (250 MiB measured): it was stopped"
    result = failed_build(output(limit, limit=limit), DOCKERFILE, extra_steps=0, notes=["left out `app/x`"],
                          unfaithful_standin=never)
    assert result.message.startswith(f"Step 4/7 : RUN pip install nope failed: {limit}")
    assert result.message.endswith("note: left out `app/x`") and result.line == 5


def test_a_full_disk_is_the_machines():
    with pytest.raises(HarnessError, match="the engine's disk is full"):
        failed_build(output(log=LOG + ["write /big: no space left on device"]), DOCKERFILE, extra_steps=0, notes=[],
                     unfaithful_standin=never)


def test_a_registry_out_of_reach_is_the_machines():
    log = ["Step 1/7 : ARG V=1", "Step 2/7 : FROM python:3.8.12-slim"]
    with pytest.raises(HarnessError, match="cannot pull the base image of `FROM python:3.8.12-slim`"):
        failed_build(output("dial tcp: lookup registry-1.docker.io: no such host", log), DOCKERFILE, extra_steps=0,
                     notes=[], unfaithful_standin=never)


def test_a_failure_on_the_debian_stand_in_of_ubuntu_proves_nothing():
    with pytest.raises(Inconclusive, match="the build failed on the offline stand-in for ubuntu:20.04"):
        failed_build(output(), DOCKERFILE, extra_steps=0, notes=[], unfaithful_standin=lambda: "ubuntu:20.04")


def test_a_parse_error_names_its_line():
    result = failed_build(output("dockerfile parse error line 3: unknown instruction: RUNN", log=[]), DOCKERFILE,
                          extra_steps=0, notes=[], unfaithful_standin=lambda: None)
    assert result.line == 3 and result.message.startswith("the build failed before its first step: dockerfile parse")


def test_a_timeout_says_the_step_still_running():
    result = failed_build(output("the build did not finish within 20 s", timed_out=True), DOCKERFILE, extra_steps=0,
                          notes=[], unfaithful_standin=lambda: None)
    assert result.timed_out and result.message.startswith("Step 4/7 : RUN pip install nope: still running")


@pytest.mark.parametrize(("step", "error", "machine"), [
    ("Step 1/9 : FROM python:3.9", 'Get "https://registry-1.docker.io/v2/": dial tcp: lookup registry-1.docker.io '
     "on 10.0.0.53:53: no such host", True),
    ("Step 1/9 : FROM python:3.9", "Get https://registry-1.docker.io/v2/: net/http: TLS handshake timeout", True),
    ("Step 1/9 : FROM pyhton:3.8.12", "pull access denied for pyhton, repository does not exist or may require "
     "'docker login'", False),
    ("Step 1/9 : FROM python:3.8.99", "manifest for python:3.8.99 not found: manifest unknown", False),
    ("Step 5/9 : RUN pip install fastapi", "The command '/bin/sh -c pip install fastapi' returned a non-zero code: 1",
     False),
    ("Step 5/9 : RUN curl https://x", "dial tcp: lookup x: no such host", False),
])
def test_unreachable_registry_is_the_machines_problem(step, error, machine):
    """A FROM the engine cannot pull because the registry is out of reach is an error, not the student's failure."""
    assert unreachable_registry(step, error) is machine
