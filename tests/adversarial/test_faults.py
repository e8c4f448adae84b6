"""Faults of the machine, on a SECOND Docker engine of its own (never the machine's main one): the engine stopped in
the middle of a batch, then `--resume` once it is back; a full disk during a build.

The second dockerd has its own socket, data root (a 1.5 GiB ext4 file system on a loop device, so that it can be
filled without touching the machine's disk), exec root, pid file and bridge, no iptables rules, and the fixtures'
base image loaded into it.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from graders.engine import Engine
from graders.exercise import load_exercise
from graders.grading import GradingOptions
from graders.grading import grade as grade_submissions
from graders.labels import RUN_LABEL
from graders.submission import Submission
from tests.adversarial.conftest import BASE, ROOT
from tests.adversarial.corpus import TEST_LIMITS
from tests.dynamic.conftest import FIXTURES, batch_sessions, fixture_dockerfile

pytestmark = [pytest.mark.docker, pytest.mark.adversarial]
BRIDGE = "graders-adv-br"
DYNAMIC = {"builds", "image-config", "serves-hello-world", "python-version", "apt-lists-empty", "no-pip-cache",
           "smaller-than-previous", "pushed"}


class SpareEngine:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.url = f"unix://{folder}/docker.sock"
        self.data = folder / "data"
        self.process: subprocess.Popen | None = None

    def start(self) -> Engine:
        self.process = subprocess.Popen(
            ["dockerd", "--data-root", str(self.data / "docker"), "--exec-root", str(self.folder / "exec"),
             "--pidfile", str(self.folder / "dockerd.pid"), "-H", self.url, "--bridge", BRIDGE,
             "--iptables=false", "--ip-masq=false", "--storage-driver", "overlay2"],
            stdout=subprocess.DEVNULL, stderr=open(self.folder / "dockerd.log", "a"))
        deadline = time.monotonic() + 60
        while True:
            try:
                return Engine.connect(self.url)
            except Exception:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    raise RuntimeError(f"the spare dockerd did not start: "
                                       f"{(self.folder / 'dockerd.log').read_text()[-2000:]}") from None
                time.sleep(0.3)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


@pytest.fixture(scope="module")
def spare(engine, tmp_path_factory):
    if os.geteuid() != 0 or not all(shutil.which(tool) for tool in ("dockerd", "ip", "mkfs.ext4", "mount")):
        pytest.skip("a spare Docker engine needs root, dockerd, ip, mkfs.ext4 and mount")
    folder = tmp_path_factory.mktemp("spare-engine")
    spare = SpareEngine(folder)
    image = folder / "data.img"
    spare.data.mkdir()
    subprocess.run(["truncate", "-s", "1536M", str(image)], check=True)
    subprocess.run(["mkfs.ext4", "-q", "-F", "-m", "0", str(image)], check=True)
    subprocess.run(["mount", "-o", "loop", str(image), str(spare.data)], check=True)
    subprocess.run(["ip", "link", "add", BRIDGE, "type", "bridge"], check=False)
    subprocess.run(["ip", "addr", "add", "10.213.9.1/24", "dev", BRIDGE], check=False)
    subprocess.run(["ip", "link", "set", BRIDGE, "up"], check=True)
    try:
        second = spare.start()
        second.api.load_image(b"".join(engine.api.get_image(BASE)))
        second.close()
        yield spare
    finally:
        spare.stop()
        subprocess.run(["umount", "-l", str(spare.data)], check=False)
        subprocess.run(["ip", "link", "del", BRIDGE], check=False)
        image.unlink(missing_ok=True)


def make_class(root: Path, size: int) -> Path:
    for index in range(size):
        folder = root / f"s{index}"
        (folder / "app").mkdir(parents=True)
        shutil.copy2(FIXTURES / "fake_uvicorn.py", folder / "app" / "fake_uvicorn.py")
        (folder / "app" / "fake_uvicorn.py").chmod(0o755)
        (folder / "dockerfile-task-3-2").write_text(fixture_dockerfile(f"RUN sleep 2 && echo student {index}"))
    return root


def results_of(run_dir: Path) -> dict[str, dict]:
    found = {}
    for path in (run_dir / "results").glob("*/task3-2.json"):
        document = json.loads(path.read_text())
        found[document["submission"]] = {c["id"]: c for c in document["task"]["checks"]}
    return found


def test_engine_stopped_mid_batch_then_resume(spare, tmp_path):
    classroom = make_class(tmp_path / "class", 4)
    run_dir = tmp_path / "run"
    command = [sys.executable, "-m", "graders", "grade", str(classroom), "--task", "task3-2", "--jobs", "1",
               "--no-advisories", "--docker-host", spare.url, "--out", str(run_dir), "--run-timeout", "20"]
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 120
        while "s0" not in results_of(run_dir) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert "s0" in results_of(run_dir), "the first student was not graded"
        stopped = time.monotonic()
        spare.stop()  # the engine goes away in the middle of the batch
        stdout, stderr = process.communicate(timeout=180)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0, stderr  # the batch carried on, and ended
    assert time.monotonic() - stopped < 60, "the batch did not wait for the missing engine"
    first = results_of(run_dir)
    assert set(first) == {"s0", "s1", "s2", "s3"}, "every task has a result"
    assert all(c["status"] != "error" for c in first["s0"].values())
    saved_s0 = (run_dir / "results" / "s0" / "task3-2.json").read_bytes()
    for student in ("s1", "s2", "s3"):
        checks = first[student]
        assert checks["builds"]["status"] == "error", checks["builds"]
        assert "Docker engine" in checks["builds"]["message"] and spare.url in checks["builds"]["message"]
        assert not [i for i, c in checks.items() if i in DYNAMIC and c["status"] == "failed"], \
            "the engine's fault is never the student's failure"

    engine = spare.start()  # back: --resume grades what ended in an error
    try:
        resumed = subprocess.run(command + ["--resume"], cwd=ROOT, capture_output=True, text=True, timeout=300)
        assert resumed.returncode == 0, resumed.stderr
        final = results_of(run_dir)
        for student in ("s0", "s1", "s2", "s3"):
            assert all(c["status"] != "error" for c in final[student].values()), final[student]
            assert final[student]["serves-hello-world"]["status"] == "passed"
        assert (run_dir / "results" / "s0" / "task3-2.json").read_bytes() == saved_s0, "s0 was not graded again"
        left = engine.labelled(RUN_LABEL)
        assert not any(left.values()), f"left on the spare engine: {left}"  # the first run's: cleaned by the resume
    finally:
        engine.close()


def test_a_full_disk_is_an_error_not_the_students_failure(spare, tmp_path):
    engine = Engine.connect(spare.url)
    filler = spare.data / "filler"
    try:
        free = os.statvfs(spare.data)
        subprocess.run(["fallocate", "-l", str(free.f_bavail * free.f_frsize - 40 * 1024**2), str(filler)],
                       check=True)
        folder = tmp_path / "writer"
        (folder / "app").mkdir(parents=True)
        shutil.copy2(FIXTURES / "fake_uvicorn.py", folder / "app" / "fake_uvicorn.py")
        # 150 MiB: within the 200 MiB disk budget, more than the 40 MiB left on the engine's disk
        (folder / "dockerfile-task-3-2").write_text(fixture_dockerfile("RUN dd if=/dev/zero of=/big bs=1M count=150"))
        task = load_exercise().tasks["task3-2"]
        with batch_sessions(engine, limits=TEST_LIMITS) as sessions:
            started = time.monotonic()
            result = grade_submissions([Submission("writer", folder)], [task],
                                       GradingOptions(session_factory=sessions))[0].tasks[0]
        checks = {c.id: c for c in result.checks}
        assert checks["builds"].status.value == "error", checks["builds"].message
        assert "disk is full" in checks["builds"].message and "--resume" in checks["builds"].message
        assert checks["serves-hello-world"].status.value == "error"
        assert time.monotonic() - started < 60
        assert not any(engine.labelled(f"{RUN_LABEL}={sessions.run_id}").values())
    finally:
        filler.unlink(missing_ok=True)
        engine.close()
