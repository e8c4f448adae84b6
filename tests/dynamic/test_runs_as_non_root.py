from graders.checks.dynamic.runs_as_non_root import check
from graders.session_types import ExecResult
from tests.dynamic.fakes import FakeSession, assert_verdict, image, run

TOUCH = ("touch", "/.graders-write-test")


def session(uid: str, touch_code: int, user: str = "10000") -> FakeSession:
    return FakeSession(image(User=user), commands={("id", "-u"): ExecResult(0, uid + "\n"),
                                                   TOUCH: ExecResult(touch_code, "")})


def test_passes():
    assert_verdict(run(check, session("10000", 1), uid=10000), "passed", "uid 10000")


def test_root():
    assert_verdict(run(check, session("0", 0, user=""), uid=10000), "failed", "actual: uid 0", "no USER: root")


def test_another_uid():
    assert_verdict(run(check, session("1000", 1, user="runner"), uid=10000), "failed", "actual: uid 1000",
                   "USER is runner")


def test_can_write_to_root():
    assert_verdict(run(check, session("10000", 0), uid=10000), "failed", "can write to /")


def test_custom_uid():
    assert_verdict(run(check, session("2000", 1), uid=2000), "passed")
    assert_verdict(run(check, session("10000", 1), uid=2000), "failed", "expected the container's process to run as "
                   "uid 2000, actual: uid 10000")


def test_blocked_without_image():
    assert_verdict(run(check, FakeSession(built=None), uid=10000), "failed", "blocked: builds failed")
