"""This machine's own files, read where the engine's API says nothing: cgroups (a build's process limit, a
container's refused forks), `/proc` (a process's identity) and the disk a folder takes.

Only meaningful for an engine of this host (`Engine.local`): its containers' processes, cgroups and volumes are
then this machine's.
"""

from __future__ import annotations

import logging
import os
import re
import secrets
import time
from collections.abc import Callable
from pathlib import Path

log = logging.getLogger(__name__)

CGROUPS = Path("/sys/fs/cgroup")
ENTRY_BYTES = 4096  # what a file or folder costs on disk at the least (its inode and block), empty or not
_BUILD_CGROUP = re.compile(r"^graders-build-(\d+)-[0-9a-f]+$")


def disk_usage(folder: Path, most_entries: int = 100_000) -> int:
    """The disk a folder's files take (their blocks, sparse files at their real size, each entry at least
    ENTRY_BYTES); past `most_entries` entries the walk stops, and what it counted already says "too much"."""
    used, entries, pending = 0, 0, [folder]
    while pending and entries < most_entries:
        try:
            with os.scandir(pending.pop()) as listing:
                for entry in listing:
                    entries += 1
                    info = entry.stat(follow_symlinks=False)
                    used += max(info.st_blocks * 512, ENTRY_BYTES)
                    if entry.is_dir(follow_symlinks=False):
                        pending.append(Path(entry.path))
        except OSError:
            continue  # removed while we walked
    return used


def forks_refused(pid: int) -> int | None:
    """The `max` count of pids.events of the cgroup of process `pid` of this host (cgroup v1 or v2): the forks
    refused there at its process limit. None where there is no such file."""
    try:
        memberships = Path(f"/proc/{pid}/cgroup").read_text(encoding="utf-8").splitlines()
    except OSError:
        return None
    for membership in memberships:
        _, controllers, path = membership.split(":", 2)
        if "pids" in controllers.split(","):
            folder = CGROUPS / "pids" / path.lstrip("/")
        elif controllers == "":
            folder = CGROUPS / path.lstrip("/")
        else:
            continue
        try:
            events = (folder / "pids.events").read_text(encoding="utf-8").split()
        except OSError:
            continue
        if events[:1] == ["max"] and len(events) > 1 and events[1].isdigit():
            return int(events[1])
    return None


def process_start(pid: int) -> str | None:
    """A process's start time in clock ticks since boot (with its pid, a process's identity on this host);
    None where /proc cannot tell."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as stat:
            return str(int(stat.read().rsplit(")", 1)[1].split()[19]))
    except (OSError, ValueError, IndexError):
        return None


def writable_cgroups(driver: str, version: str) -> str | None:
    """The cgroup version ("1" or "2") in which this process may make a build's cgroup for an engine of this host
    with that cgroup driver and version; None where it may not (not root, a systemd-managed engine, no pids
    controller)."""
    if os.geteuid() != 0 or driver != "cgroupfs":
        return None  # a systemd-managed engine makes its own scopes
    if version == "1":
        return "1" if os.access(CGROUPS / "pids", os.W_OK) else None
    try:
        controllers = (CGROUPS / "cgroup.controllers").read_text().split()
    except OSError:
        return None
    return "2" if "pids" in controllers and os.access(CGROUPS, os.W_OK) else None


class BuildCgroup:
    """A process limit that holds from a build step's first instruction: a cgroup made for the build, with
    `pids.max`, given to the engine as the build's cgroup parent (every step container is made inside it)."""

    def __init__(self, version: str, name: str) -> None:
        self.version = version
        self.name = name
        self.parent = "/" + name

    @classmethod
    def make(cls, version: str, pids_limit: int) -> BuildCgroup | None:
        """A new cgroup of `version` ("1" or "2", see writable_cgroups) limited to `pids_limit` processes."""
        name = f"graders-build-{os.getpid()}-{secrets.token_hex(4)}"
        folder = CGROUPS / "pids" / name if version == "1" else CGROUPS / name
        try:
            folder.mkdir()
            (folder / "pids.max").write_text(str(pids_limit))
        except OSError as problem:
            log.warning("cannot make a cgroup for the build (%s): each step is confined once it runs", problem)
            return None
        return cls(version, name)

    def remove(self) -> None:
        """Remove the build's cgroup from every hierarchy (once the engine has removed the step containers)."""
        folders = [CGROUPS / self.name] if self.version == "2" else \
            [hierarchy / self.name for hierarchy in CGROUPS.iterdir() if (hierarchy / self.name).is_dir()]
        deadline = time.monotonic() + 10
        for folder in folders:
            while folder.is_dir():
                try:
                    folder.rmdir()
                except OSError:
                    if time.monotonic() > deadline:
                        log.warning("could not remove the build's cgroup %s", folder)
                        break
                    time.sleep(0.1)


def remove_build_cgroups(root: Path, dead: Callable[[int], bool]) -> int:
    """Remove the build cgroups under `root` (graders-build-<pid>-<n>) whose process is `dead`, once empty; how
    many were removed (one a step container still uses stays, for the next clean)."""
    removed = 0
    try:
        folders = [*root.glob("graders-build-*"), *root.glob("*/graders-build-*")]
    except OSError:
        return 0
    for folder in folders:
        match = _BUILD_CGROUP.match(folder.name)
        if not match or not dead(int(match.group(1))):
            continue
        try:
            folder.rmdir()
            removed += 1
        except OSError:
            pass
    return removed
