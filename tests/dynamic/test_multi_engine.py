"""One batch spread over two Docker engines (`--docker-host` twice): each worker bound to one engine."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from collections import Counter

import pytest

from graders.batch import RunFolder, run_batch
from graders.core import Status
from graders.engine import Engine
from graders.exercise import load_exercise
from graders.grading import GradingOptions
from graders.run_settings import RunSettings
from graders.session import DockerSessions, EngineLink
from graders.session_modes import BatchMode
from tests.dynamic.conftest import BASE, fixture_dockerfile, task_spec

pytestmark = pytest.mark.docker
BRIDGE = "graders-test-br"


@pytest.fixture(scope="module")
def second_engine(tmp_path_factory, engine):
    """A second dockerd with its own socket, data root and bridge, holding the fixtures' base image."""
    if os.geteuid() != 0 or not shutil.which("dockerd") or not shutil.which("ip"):
        pytest.skip("a second Docker engine needs root, dockerd and ip (iproute2)")
    folder = tmp_path_factory.mktemp("engine2")
    socket = f"unix://{folder}/docker.sock"
    subprocess.run(["ip", "link", "add", BRIDGE, "type", "bridge"], check=True)
    subprocess.run(["ip", "addr", "add", "10.213.7.1/24", "dev", BRIDGE], check=True)
    subprocess.run(["ip", "link", "set", BRIDGE, "up"], check=True)
    daemon = subprocess.Popen(
        ["dockerd", "--data-root", f"{folder}/data", "--exec-root", f"{folder}/exec", "--pidfile", f"{folder}/pid",
         "-H", socket, "--bridge", BRIDGE],
        stdout=subprocess.DEVNULL, stderr=open(folder / "dockerd.log", "w"))
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                second = Engine.connect(socket)
                break
            except Exception:
                if time.monotonic() > deadline or daemon.poll() is not None:
                    pytest.fail(f"the second dockerd did not start: {(folder / 'dockerd.log').read_text()[-2000:]}")
                time.sleep(0.5)
        image = engine.api.get_image(BASE)
        second.api.load_image(b"".join(image))
        yield socket
        second.close()
    finally:
        daemon.terminate()
        daemon.wait(timeout=60)
        subprocess.run(["ip", "link", "del", BRIDGE], check=False)


def test_a_batch_spreads_over_both_engines(second_engine, make_submission, tmp_path):
    submissions = [make_submission(f"student-{index}", fixture_dockerfile(f"LABEL n={index}")) for index in range(4)]
    task = task_spec(checks=("builds", "serves-hello-world"))
    builds = Counter()
    mode = BatchMode(load_exercise())
    factories = [
        DockerSessions(mode, EngineLink(host), RunSettings(on_build_line=lambda line, host=host: builds.update([host])))
        for host in (None, second_engine)
    ]
    try:
        results = run_batch(submissions, [task], RunFolder(tmp_path / "run"),
                            [GradingOptions(session_factory=factory) for factory in factories], jobs=2)
    finally:
        for factory in factories:
            factory.close()
    assert [check.status for result in results for check in result.tasks[0].checks] == [Status.PASSED] * 8
    assert builds[None] > 0 and builds[second_engine] > 0, builds
