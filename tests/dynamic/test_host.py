"""What the harness reads of its own machine: the disk a folder takes, a process's identity, cgroups."""

import os

from graders.host import ENTRY_BYTES, disk_usage, forks_refused, process_start, remove_build_cgroups, writable_cgroups


def test_disk_usage_counts_blocks_not_sizes(tmp_path):
    (tmp_path / "folder").mkdir()
    (tmp_path / "folder" / "data").write_bytes(os.urandom(100_000))
    with open(tmp_path / "sparse", "wb") as handle:
        handle.truncate(1 << 30)
    used = disk_usage(tmp_path)
    assert 100_000 <= used < 1 << 20, "the sparse gigabyte takes no blocks"
    assert disk_usage(tmp_path, most_entries=1) >= ENTRY_BYTES, "a walk cut short still says what it counted"


def test_a_process_identity():
    assert process_start(os.getpid()).isdigit()
    assert process_start(2**22 + 1) is None and forks_refused(2**22 + 1) is None


def test_no_build_cgroup_for_a_systemd_managed_engine():
    assert writable_cgroups("systemd", "2") is None and writable_cgroups("", "1") is None


def test_only_the_build_cgroups_of_dead_processes_go(tmp_path):
    for name in ("graders-build-1-0a", "pids/graders-build-2-0b", "graders-build-3-0c", "graders-build-x-0d"):
        (tmp_path / name).mkdir(parents=True)
    assert remove_build_cgroups(tmp_path, dead=lambda pid: pid != 3) == 2
    assert sorted(p.name for p in tmp_path.glob("**/graders-build-*")) == ["graders-build-3-0c", "graders-build-x-0d"]
