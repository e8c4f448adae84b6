"""The hostile-submission tests on a real Docker engine: the engine fixture and helpers of tests/dynamic, plus what
these tests share (a fake run's labels, the objects a run left)."""

from __future__ import annotations

import subprocess

from graders.cleanup import KINDS
from graders.labels import HOST_LABEL, PID_LABEL, RUN_LABEL, START_LABEL, host_name
from tests.dynamic.conftest import BASE, ROOT, engine, make_submission, nothing_left_behind  # noqa: F401  (shared)


def pytest_configure(config):
    config.addinivalue_line("markers", "adversarial: the adversarial corpus (minutes; `make test-adversarial`)")


def dead_pid() -> int:
    """The pid of a process that has ended (a fresh one: not reused yet)."""
    finished = subprocess.Popen(["true"])
    finished.wait()
    return finished.pid


def labels(run: str, pid: int, host: str | None = None, start: str | None = None) -> dict[str, str]:
    made = {RUN_LABEL: run, PID_LABEL: str(pid), HOST_LABEL: host or host_name()}
    if start:
        made[START_LABEL] = start
    return made


def left_by(connected, run: str) -> dict[str, list[str]]:
    """What the engine still holds of a run, by kind."""
    found = connected.labelled(f"{RUN_LABEL}={run}")
    return {kind: [item.get("Id", "")[:19] for item in found[kind]] for kind in KINDS}


__all__ = ["BASE", "ROOT", "dead_pid", "labels", "left_by"]
