import pytest

from graders.checks.dynamic.python_version import check
from graders.session_types import ExecResult
from tests.dynamic.fakes import FakeSession, assert_verdict, image, run

EXERCISE = {"executable": "python", "version": "3.8"}


def session(output: str, code: int = 0, executable: str = "python", **kwargs) -> FakeSession:
    return FakeSession(image(**kwargs), commands={(executable, "--version"): ExecResult(code, output)})


def test_passes_on_3_8():
    assert_verdict(run(check, session("Python 3.8.12\n"), **EXERCISE), "passed", "Python 3.8.12")


def test_python3_8_executable():
    fake = session("Python 3.8.16\n", executable="python3.8")
    assert_verdict(run(check, fake, executable="python3.8", version="3.8"), "passed")
    assert fake.ran == [("python3.8", "--version")]


def test_fails_on_another_version():
    assert_verdict(run(check, session("Python 3.11.2\n"), **EXERCISE), "failed", "expected Python 3.8.x",
                   "actual: Python 3.11.2")


@pytest.mark.parametrize(
    ("version", "output", "status"),
    [
        ("3.8", "Python 3.8.10", "passed"),
        ("3.8", "Python 3.80.1", "failed"),
        ("3.8.10", "Python 3.8.10", "passed"),
        ("3.8.10", "Python 3.8.12", "failed"),
        ("3.8.1", "Python 3.8.10", "failed"),
        ("3", "Python 3.12.4", "passed"),
        ("3.12", "Python 3.12.0rc1", "passed"),
    ],
    ids=["minor-accepts-any-patch", "minor-is-a-number", "patch-exact", "patch-other", "patch-is-a-number",
         "major-only", "pre-release"],
)
def test_the_version_counts_to_the_precision_given(version, output, status):
    assert_verdict(run(check, session(output + "\n"), executable="python", version=version), status)


def test_an_exact_version_is_named_exactly():
    assert_verdict(run(check, session("Python 3.8.12\n"), executable="python", version="3.8.10"), "failed",
                   "expected Python 3.8.10, actual: Python 3.8.12")


def test_fails_when_absent():
    fake = FakeSession(image())
    assert_verdict(run(check, fake, executable="python3.8", version="3.8"), "failed", "does not run in the image",
                   "exit code 127")


def test_skipped_on_an_offline_stand_in():
    fake = FakeSession(image(standin="python:3.8.12-slim"))
    assert_verdict(run(check, fake, **EXERCISE), "skipped", "offline stand-in base image for python:3.8.12-slim")
    assert fake.ran == [], "nothing runs on a stand-in"


def test_blocked_without_image():
    assert_verdict(run(check, FakeSession(built=None), **EXERCISE), "failed", "blocked: builds failed")
