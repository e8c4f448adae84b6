"""What dead runs of the harness left in a Docker engine, and its removal (`python -m graders clean`).

Every container, image and network the harness makes carries its run's labels: `graders.run` (the run id),
`graders.pid` (the grading process), `graders.pid-start` (that process's start, in ticks since boot) and
`graders.host` (the host name of that process). A run is dead when its host is this host and its process is
gone, or the pid now names another process (a reused pid: another start). The objects of a run on another host
are never judged by pid, which means nothing here; they are removed only when older than `older_than` seconds,
if that is given. Objects without `graders.run` and a numeric `graders.pid` are never touched. Objects made
before the host label existed are judged as this host's.
"""

from __future__ import annotations

import logging
import os
import re
import socket
import time
from dataclasses import dataclass, field
from pathlib import Path

from .engine import Engine, engine_time

log = logging.getLogger(__name__)

RUN_LABEL = "graders.run"
PID_LABEL = "graders.pid"
HOST_LABEL = "graders.host"
START_LABEL = "graders.pid-start"  # the process's start in ticks since boot: a reused pid is not the run
KINDS = ("containers", "images", "networks")


def host_name() -> str:
    """This host's name, as the `graders.host` label holds it."""
    return socket.gethostname() or "unknown"


def run_labels(run_id: str) -> dict[str, str]:
    """The labels of everything a run of this process makes in an engine."""
    labels = {RUN_LABEL: run_id, PID_LABEL: str(os.getpid()), HOST_LABEL: host_name()}
    start = process_start(os.getpid())
    if start is not None:
        labels[START_LABEL] = start
    return labels


@dataclass
class Cleaned:
    """What a clean found and removed, per kind (containers, images, networks), and the runs it judged."""

    removed: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KINDS, 0))
    dead_runs: set[str] = field(default_factory=set)
    live_runs: set[str] = field(default_factory=set)
    foreign_runs: set[str] = field(default_factory=set)  # of another host, left alone

    @property
    def total(self) -> int:
        return sum(self.removed.values())

    def summary(self) -> str:
        if not self.total:
            kept = self._kept()
            return "nothing left by dead runs" + (f" ({kept})" if kept else "")
        parts = [f"{count} {kind if count != 1 else kind[:-1]}" for kind, count in self.removed.items() if count]
        text = f"removed {', '.join(parts)} left by {len(self.dead_runs)} dead run(s)"
        kept = self._kept()
        return text + (f"; {kept}" if kept else "")

    def _kept(self) -> str:
        kept = []
        if self.live_runs:
            kept.append(f"{len(self.live_runs)} live run(s) left alone")
        if self.foreign_runs:
            kept.append(f"{len(self.foreign_runs)} run(s) of other hosts left alone")
        return ", ".join(kept)


def clean_dead_runs(engine: Engine, *, older_than: float | None = None, now: float | None = None) -> Cleaned:
    """Remove the containers, images and networks of dead runs of the harness (see the module's doc).

    `older_than`: also remove the objects of runs of other hosts made more than this many seconds ago.
    Containers go first (an image in use by a container cannot be removed), networks last.
    """
    now = time.time() if now is None else now
    found = engine.labelled(PID_LABEL)
    here = host_name()
    cleaned = Cleaned()
    doomed: dict[str, list[str]] = {kind: [] for kind in KINDS}
    verdicts: dict[tuple[str, str, str], bool] = {}
    for kind in KINDS:
        for item in found.get(kind) or ():
            labels = item.get("Labels") or {}
            run, pid, host = labels.get(RUN_LABEL), labels.get(PID_LABEL, ""), labels.get(HOST_LABEL)
            if not run or not pid.isdigit():
                continue  # not made by the harness (a student's own LABEL without a run is not ours either)
            created = engine_time(item.get("Created"))
            if host is not None and host != here:
                if older_than is not None and created is not None and now - created > older_than:
                    doomed[kind].append(item.get("Id") or "")
                    cleaned.dead_runs.add(run)
                else:
                    cleaned.foreign_runs.add(run)
                continue
            key = (run, pid, labels.get(START_LABEL) or "")
            if key not in verdicts:
                verdicts[key] = _run_alive(int(pid), labels.get(START_LABEL))
            if verdicts[key]:
                cleaned.live_runs.add(run)
            else:
                doomed[kind].append(item.get("Id") or "")
                cleaned.dead_runs.add(run)
    for container in filter(None, doomed["containers"]):
        if engine.remove_container(container) is not False:
            cleaned.removed["containers"] += 1
    for image in filter(None, doomed["images"]):
        if engine.remove_image(image) is not False:
            cleaned.removed["images"] += 1
    for network in filter(None, doomed["networks"]):
        if engine.remove_network(network) is not False:
            cleaned.removed["networks"] += 1
    _remove_dead_build_cgroups()
    if cleaned.total:
        log.info("clean: %s", cleaned.summary())
    return cleaned


_BUILD_CGROUP = re.compile(r"^graders-build-(\d+)-[0-9a-f]+$")


def _remove_dead_build_cgroups(root: Path = Path("/sys/fs/cgroup")) -> int:
    """The cgroups a killed run made for its builds on this host (graders-build-<pid>-<n>), once empty."""
    removed = 0
    try:
        folders = [*root.glob("graders-build-*"), *root.glob("*/graders-build-*")]
    except OSError:
        return 0
    for folder in folders:
        match = _BUILD_CGROUP.match(folder.name)
        if not match or _run_alive(int(match.group(1)), None):
            continue
        try:
            folder.rmdir()  # fails while a step container is still inside: the next clean takes it
            removed += 1
        except OSError:
            pass
    return removed


def _run_alive(pid: int, start: str | None) -> bool:
    """Whether the process `pid` of this host still runs the harness's run: it exists and, where the run noted
    its start (`graders.pid-start`), it is the same process, not a later one given the same pid."""
    if pid == os.getpid():
        return True
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass  # another user's live process
    if start:
        now = process_start(pid)
        if now is not None and now != start:
            return False  # the pid was reused: the run's process is gone
    return True


def process_start(pid: int) -> str | None:
    """A process's start time in clock ticks since boot (with its pid, a process's identity on this host);
    None where /proc cannot tell."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as stat:
            return str(int(stat.read().rsplit(")", 1)[1].split()[19]))
    except (OSError, ValueError, IndexError):
        return None


_AGE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhdw]?)\s*$", re.IGNORECASE)
_UNIT = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}


def parse_age(text: str) -> float:
    """`90`, `90s`, `30m`, `12h`, `2d`, `1w` -> seconds."""
    match = _AGE.match(text)
    if not match:
        raise ValueError(f"an age is a number with an optional unit s, m, h, d or w (e.g. 12h), not {text!r}")
    return float(match.group(1)) * _UNIT[match.group(2).lower()]
