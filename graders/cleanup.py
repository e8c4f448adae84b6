"""What dead runs of the harness left in a Docker engine, and its removal (`python -m graders clean`).

Every container, image and network the harness makes carries its run's labels (graders.labels): `graders.run`
(the run id), `graders.pid` (the grading process), `graders.pid-start` (that process's start, in ticks since boot)
and `graders.host` (the host name of that process). A run is dead when its host is this host and its process is
gone, or the pid now names another process (a reused pid: another start). The objects of a run on another host
are never judged by pid, which means nothing here; they are removed only when older than `older_than` seconds,
if that is given. Objects without `graders.run` and a numeric `graders.pid` are never touched. Objects made
before the host label existed are judged as this host's.
"""

from __future__ import annotations

import logging
import os
import re
import time
from dataclasses import dataclass, field
from pathlib import Path

from .engine import Engine
from .engine_wire import engine_time
from .host import CGROUPS, process_start, remove_build_cgroups
from .labels import HOST_LABEL, PID_LABEL, RUN_LABEL, START_LABEL, host_name

log = logging.getLogger(__name__)

KINDS = ("containers", "images", "networks")


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


def remove_labelled(engine: Engine, label: str) -> int:
    """Remove every container, image and network carrying `label` (containers first: an image in use cannot go);
    how many there were."""
    found = engine.labelled(label)
    for container in found["containers"]:
        engine.remove_container(container["Id"])
    for image in found["images"]:
        engine.remove_image(image["Id"])
    for network in found["networks"]:
        engine.remove_network(network["Id"])
    return sum(len(items) for items in found.values())


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


def _remove_dead_build_cgroups(root: Path = CGROUPS) -> int:
    """The cgroups a killed run made for its builds on this host (graders-build-<pid>-<n>), once empty."""
    return remove_build_cgroups(root, dead=lambda pid: not _run_alive(pid, None))


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


_AGE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhdw]?)\s*$", re.IGNORECASE)
_UNIT = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}


def parse_age(text: str) -> float:
    """`90`, `90s`, `30m`, `12h`, `2d`, `1w` -> seconds."""
    match = _AGE.match(text)
    if not match:
        raise ValueError(f"an age is a number with an optional unit s, m, h, d or w (e.g. 12h), not {text!r}")
    return float(match.group(1)) * _UNIT[match.group(2).lower()]
