from graders.checks.dynamic.apt_lists_empty import check
from graders.session_types import ArchiveEntry
from tests.dynamic.fakes import FakeSession, assert_verdict, run

LISTS = "/var/lib/apt/lists"


def test_absent():
    assert_verdict(run(check, FakeSession(directories={LISTS: None})), "passed", "does not exist")


def test_only_lock_and_partial():
    entries = [ArchiveEntry("lock", "file", 0), ArchiveEntry("partial", "dir", 0),
               ArchiveEntry("partial/x_Packages", "file", 10), ArchiveEntry("auxfiles", "dir", 0)]
    assert_verdict(run(check, FakeSession(directories={LISTS: entries})), "passed", "no package index files")


def test_index_files():
    entries = [ArchiveEntry("archive.ubuntu.com_ubuntu_dists_focal_InRelease", "file", 265000),
               ArchiveEntry("archive.ubuntu.com_ubuntu_dists_focal_main_binary-amd64_Packages.lz4", "file", 1_900_000)]
    verdict = run(check, FakeSession(directories={LISTS: entries}))
    assert_verdict(verdict, "failed", "focal_InRelease", "apt-get update")


def test_blocked_without_image():
    assert_verdict(run(check, FakeSession(built=None)), "failed", "blocked: builds failed")
