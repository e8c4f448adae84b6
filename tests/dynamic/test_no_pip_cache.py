from graders.checks.dynamic.no_pip_cache import check
from graders.session_types import ArchiveEntry
from tests.dynamic.fakes import FakeSession, assert_verdict, run

CACHE = "/root/.cache/pip"


def test_absent():
    assert_verdict(run(check, FakeSession(directories={CACHE: None})), "passed", "does not exist")


def test_empty():
    assert_verdict(run(check, FakeSession(directories={CACHE: []})), "passed", "is empty")


def test_holds_files():
    entries = [ArchiveEntry("http", "dir", 0), ArchiveEntry("http/1/2/abc", "file", 1000)]
    assert_verdict(run(check, FakeSession(directories={CACHE: entries})), "failed", "not empty", "http")


def test_blocked_without_image():
    assert_verdict(run(check, FakeSession(built=None)), "failed", "blocked: builds failed")
