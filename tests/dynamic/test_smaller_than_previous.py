from graders.checks.dynamic.smaller_than_previous import check
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
