"""Stopping a real batch: SIGINT and SIGTERM during a build and during a probe, and `kill -9` then `clean`.

Each run grades two submissions, one after the other (`--jobs 1`): `a-good`, graded and saved first, then `b-slow`,
whose build sleeps (or whose container never answers) while the signal comes. Asserted: the exit code, the time it
took, `a-good`'s result kept and reported, nothing of the run left in the engine (after `kill -9`: once `clean` has
run), and `--resume` grading exactly what was missing.
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from graders.labels import PID_LABEL
from tests.adversarial.conftest import ROOT
from tests.adversarial.corpus import HOLD
from tests.dynamic.conftest import FIXTURES, fixture_dockerfile

pytestmark = [pytest.mark.docker, pytest.mark.adversarial]


def make_class(root: Path, slow: str, marker: str) -> Path:
    classroom = root / "class"
    for name, dockerfile in (("a-good", fixture_dockerfile()), ("b-slow", slow)):
        folder = classroom / name
        (folder / "app").mkdir(parents=True)
        (folder / "app" / "fake_uvicorn.py").write_bytes((FIXTURES / "fake_uvicorn.py").read_bytes())
        (folder / "app" / "fake_uvicorn.py").chmod(0o755)
        (folder / "app" / "hold.py").write_text(HOLD + f"# {marker}\n")
        (folder / "dockerfile-task-3-2").write_text(dockerfile)
    return classroom


def grade(classroom: Path, run_dir: Path, *extra: str) -> subprocess.Popen:
    command = [sys.executable, "-m", "graders", "grade", str(classroom), "--task", "task3-2", "--jobs", "1",
               "--no-advisories", "--out", str(run_dir), "--build-timeout", "120", "--run-timeout", "8", *extra]
    return subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def wait_for(condition, seconds: float, what: str):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = condition()
        if found:
            return found
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def building(engine, marker: str) -> bool:
    """A build step container of the slow submission is running."""
    return any(marker in str(c.get("Command", "")) for c in engine.api.containers())


def probing(engine, pid: int) -> bool:
    """The run's probe container of the slow submission is running."""
    return any(c.get("Labels", {}).get(PID_LABEL) == str(pid) for c in engine.api.containers())


def left_of(engine, pid: int) -> dict:
    return {kind: [i["Id"][:12] for i in items] for kind, items in engine.labelled(f"{PID_LABEL}={pid}").items()
            if items}


def saved(run_dir: Path) -> list[str]:
    return sorted(p.parent.name for p in (run_dir / "results").glob("*/task3-2.json"))


def stages(kind: str, marker: str) -> str:
    if kind == "build":
        return fixture_dockerfile(f"RUN sleep 6 && echo {marker}")
    return fixture_dockerfile(entrypoint='["python3", "/server/app/hold.py"]', cmd="[]")


@pytest.mark.parametrize("how", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
@pytest.mark.parametrize("during", ["build", "probe"])
def test_a_signal_stops_the_batch_cleanly(engine, tmp_path, how, during):
    marker = f"graders-signal-{uuid.uuid4().hex[:8]}"
    classroom = make_class(tmp_path, stages(during, marker), marker)
    run_dir = tmp_path / "run"
    process = grade(classroom, run_dir)
    try:
        wait_for(lambda: saved(run_dir) == ["a-good"], 90, "a-good's result")
        if during == "build":
            wait_for(lambda: building(engine, marker), 60, "the slow build")
        else:
            wait_for(lambda: probing(engine, process.pid), 60, "the probe container")
        signalled = time.monotonic()
        process.send_signal(how)
        stdout, stderr = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
    took = time.monotonic() - signalled
    assert process.returncode == 130, stderr
    assert took < 20, f"stopping took {took:.1f} s"
    assert "--resume --out" in stderr
    assert saved(run_dir) == ["a-good"], "a-good's result is kept, b-slow's not made up"
    reported = json.loads((run_dir / "results.json").read_text())
    assert [s["id"] for s in reported["submissions"]] == ["a-good"]
    wait_for(lambda: not left_of(engine, process.pid), 15, "the run's objects to go")
    wait_for(lambda: not building(engine, marker), 30, "the slow build's step container to go")

    resumed = grade(classroom, run_dir, "--resume")
    stdout, stderr = resumed.communicate(timeout=180)
    assert resumed.returncode == 0, stderr
    assert saved(run_dir) == ["a-good", "b-slow"]
    assert "b-slow task3-2" in stdout + stderr and "a-good task3-2" not in stdout + stderr, "only what was missing"
    assert not left_of(engine, resumed.pid)


def test_kill_9_then_clean_removes_what_the_run_left(engine, tmp_path):
    marker = f"graders-kill-{uuid.uuid4().hex[:8]}"
    classroom = make_class(tmp_path, stages("probe", marker), marker)
    run_dir = tmp_path / "run"
    process = grade(classroom, run_dir)
    try:
        wait_for(lambda: saved(run_dir) == ["a-good"], 90, "a-good's result")
        wait_for(lambda: probing(engine, process.pid), 60, "the probe container")
        process.kill()
        process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
    left = left_of(engine, process.pid)
    assert left.get("containers") and left.get("images"), "kill -9 leaves the probe container and the image"
    cleaned = subprocess.run([sys.executable, "-m", "graders", "clean"], cwd=ROOT, capture_output=True, text=True,
                             timeout=120)
    assert cleaned.returncode == 0, cleaned.stderr
    assert not left_of(engine, process.pid), "clean removed everything the killed run left"
    assert saved(run_dir) == ["a-good"], "the result saved before the kill is kept"
    resumed = grade(classroom, run_dir, "--resume")
    stdout, stderr = resumed.communicate(timeout=180)
    assert resumed.returncode == 0, stderr
    assert saved(run_dir) == ["a-good", "b-slow"]
    assert not left_of(engine, resumed.pid)
