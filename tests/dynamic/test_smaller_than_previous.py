import pytest

from graders.checks.dynamic.smaller_than_previous import check
from graders.session import DockerSessions, EngineLink
from graders.session_modes import StudentMode
from graders.submission import Submission
from tests.dynamic.conftest import BASE, ROOT
from tests.dynamic.fakes import FakeSession, assert_verdict, image, run


def test_smaller():
    fake = FakeSession(image(size=400_000_000), previous={"task1": image(size=900_000_000)})
    assert_verdict(run(check, fake, than="task1"), "passed", "400.0 MB", "task1's 900.0 MB")


def test_equal_is_not_smaller():
    fake = FakeSession(image(size=400_000_000), previous={"task1": image(size=400_000_000)})
    assert_verdict(run(check, fake, than="task1"), "failed", "expected an image smaller than task1's")


def test_larger():
    fake = FakeSession(image(size=500_000_000), previous={"task3-1": image(size=400_000_000)})
    assert_verdict(run(check, fake, than="task3-1"), "failed", "actual: 500.0 MB")


def test_previous_not_built():
    assert_verdict(run(check, FakeSession(image()), than="task1"), "skipped", "task1's image was not built in this run")


def test_blocked_without_image():
    fake = FakeSession(built=None, previous={"task1": image()})
    assert_verdict(run(check, fake, than="task1"), "failed", "blocked: builds failed")


@pytest.mark.docker
def test_student_mode_compares_with_the_image_make_build_tagged(engine):
    """`make buildTask3-1` then `make testTask3-2`: the earlier image is the one carrying task3-1's required tag."""
    engine.api.tag(BASE, "graders-test-previous", "fat")
    try:
        mode = StudentMode(ROOT, {"task3-1": "graders-test-previous:fat"})
        sessions = DockerSessions(mode, EngineLink(engine=engine))
        previous = sessions.previous_image(Submission("student", ROOT), "task3-1")
        assert previous is not None and previous.size == engine.inspect_image(BASE)["Size"]
        assert sessions.previous_image(Submission("student", ROOT), "task1") is None
    finally:
        engine.api.remove_image("graders-test-previous:fat")
