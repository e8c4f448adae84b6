from graders.checks.dynamic.python_version import check
from graders.engine import ExecResult
from tests.dynamic.fakes import FakeSession, assert_verdict, image, run


def session(output: str, code: int = 0, executable: str = "python", **kwargs) -> FakeSession:
    return FakeSession(image(**kwargs), commands={(executable, "--version"): ExecResult(code, output)})


def test_passes_on_3_8():
    assert_verdict(run(check, session("Python 3.8.12\n")), "passed", "Python 3.8.12")


def test_python3_8_executable():
    fake = session("Python 3.8.16\n", executable="python3.8")
    assert_verdict(run(check, fake, executable="python3.8"), "passed")
    assert fake.ran == [("python3.8", "--version")]


def test_fails_on_another_version():
    assert_verdict(run(check, session("Python 3.11.2\n")), "failed", "expected Python 3.8.x", "actual: Python 3.11.2")


def test_fails_when_absent():
    fake = FakeSession(image())
    assert_verdict(run(check, fake, executable="python3.8"), "failed", "does not run in the image", "exit code 127")


def test_skipped_on_an_offline_stand_in():
    fake = FakeSession(image(standin="python:3.8.12-slim"))
    assert_verdict(run(check, fake), "skipped", "offline stand-in base image for python:3.8.12-slim")
    assert fake.ran == [], "nothing runs on a stand-in"


def test_blocked_without_image():
    assert_verdict(run(check, FakeSession(built=None)), "failed", "blocked: builds failed")
