"""`python -m graders clean`, and the clean at the start of every `grade`: what dead runs left goes, nothing else."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from graders.build_loop import BuildRequest, stream_build
from graders.cleanup import clean_dead_runs, parse_age
from graders.host import process_start
from graders.labels import run_labels
from tests.adversarial.conftest import BASE, ROOT, dead_pid, labels, left_by

pytestmark = pytest.mark.docker


@pytest.fixture
def made(engine, tmp_path):
    """Objects made for a test (container ids, image ids, network ids), removed after it whatever happened."""
    objects = {"containers": [], "images": [], "networks": []}

    def container(with_labels: dict[str, str]) -> str:
        objects["containers"].append(engine.create_container(BASE, labels=with_labels, network=False))
        return objects["containers"][-1]

    def image(with_labels: dict[str, str]) -> str:
        (tmp_path / "Dockerfile").write_text(f"FROM {BASE}\n")
        output = stream_build(engine, BuildRequest(tmp_path, "Dockerfile", f"graders-clean-test:{len(objects['images'])}",
                                                   labels=with_labels, timeout=60))
        assert output.image_id, output.error
        objects["images"].append(output.image_id)
        return output.image_id

    def network(with_labels: dict[str, str]) -> str:
        created = engine.api.create_network(f"graders-clean-test-{len(objects['networks'])}-{os.getpid()}",
                                            labels=with_labels, internal=True)
        objects["networks"].append(created["Id"])
        return created["Id"]

    yield container, image, network
    for item in objects["containers"]:
        engine.remove_container(item)
    for item in objects["images"]:
        engine.remove_image(item)
    for item in objects["networks"]:
        engine.remove_network(item)


def test_a_dead_runs_objects_go_a_live_runs_and_foreign_ones_stay(engine, made):
    container, image, network = made
    dead = labels("clean-test-dead", dead_pid())
    dead_objects = (container(dead), image(dead), network(dead))
    live = run_labels("clean-test-live")  # this process: alive
    live_container = container(live)
    other = subprocess.Popen(["sleep", "60"])  # a live process that is not the run's: its pid was reused
    reused_container = container(labels("clean-test-reused", other.pid, start="1"))
    still = container(labels("clean-test-still", other.pid, start=process_start(other.pid)))
    elsewhere = labels("clean-test-elsewhere", dead_pid(), host="another-host.example")
    elsewhere_container = container(elsewhere)
    unlabelled = container({})
    not_ours = container({"graders.pid": str(dead_pid())})  # no run label: a student's LABEL, not the harness's
    someone_else = container({"com.example.owner": "someone"})

    try:
        cleaned = clean_dead_runs(engine)
    finally:
        other.kill()
        other.wait()

    assert engine.inspect_container(dead_objects[0]) is None
    assert engine.inspect_image(dead_objects[1]) is None
    assert not engine.api.networks(ids=[dead_objects[2]])
    assert engine.inspect_container(reused_container) is None, "a reused pid is not the run's process"
    assert {"clean-test-dead", "clean-test-reused"} <= cleaned.dead_runs
    for survivor in (live_container, still, elsewhere_container, unlabelled, not_ours, someone_else):
        assert engine.inspect_container(survivor) is not None
    assert "clean-test-live" in cleaned.live_runs and "clean-test-elsewhere" in cleaned.foreign_runs

    # another host's run goes only when older than --older-than
    assert engine.inspect_container(elsewhere_container) is not None
    clean_dead_runs(engine, older_than=3600)
    assert engine.inspect_container(elsewhere_container) is not None
    clean_dead_runs(engine, older_than=0)
    assert engine.inspect_container(elsewhere_container) is None
    assert engine.inspect_container(live_container) is not None


def test_clean_command_and_grade_clean_dead_runs_first(engine, made, tmp_path):
    container, image, _ = made
    dead = labels("clean-test-cli", dead_pid())
    first = container(dead)
    cleaned = subprocess.run([sys.executable, "-m", "graders", "clean"], cwd=ROOT, capture_output=True, text=True,
                             timeout=120)
    assert cleaned.returncode == 0, cleaned.stderr
    assert engine.inspect_container(first) is None
    assert "removed" in cleaned.stdout or "nothing left" in cleaned.stdout  # another run may have cleaned first

    second, dead_image = container(dead), image(dead)
    submission = tmp_path / "quick"
    submission.mkdir()
    (submission / "dockerfile-task-1").write_text("")  # fails at once: no build needed to see the clean
    graded = subprocess.run(
        [sys.executable, "-m", "graders", "grade", str(submission), "--task", "task1", "--no-advisories",
         "--out", str(tmp_path / "run")], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert graded.returncode == 0, graded.stderr
    assert engine.inspect_container(second) is None and engine.inspect_image(dead_image) is None
    assert left_by(engine, "clean-test-cli") == {"containers": [], "images": [], "networks": []}


def test_clean_refuses_a_bad_age():
    result = subprocess.run([sys.executable, "-m", "graders", "clean", "--older-than", "soon"], cwd=ROOT,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 2 and "an age is a number" in result.stderr


@pytest.mark.parametrize("text, seconds", [("90", 90), ("90s", 90), ("30m", 1800), ("12h", 43200), ("2d", 172800)])
def test_ages(text, seconds):
    assert parse_age(text) == seconds


def test_the_run_labels_name_this_process():
    made = run_labels("r")
    assert made["graders.pid"] == str(os.getpid()) and made["graders.host"]
    assert made.get("graders.pid-start") == process_start(os.getpid())


def test_the_build_cgroups_of_dead_runs_go(tmp_path):
    from graders.cleanup import _remove_dead_build_cgroups

    dead, live = dead_pid(), os.getpid()
    for name in (f"pids/graders-build-{dead}-0a1b", f"graders-build-{dead}-0a1c", f"pids/graders-build-{live}-0a1d",
                 "pids/docker", f"pids/graders-build-{dead}-0a1e/container"):
        (tmp_path / name).mkdir(parents=True)
    assert _remove_dead_build_cgroups(tmp_path) == 2
    assert {p.relative_to(tmp_path).as_posix() for p in tmp_path.glob("**/graders-build-*")} == {
        f"pids/graders-build-{dead}-0a1e", f"pids/graders-build-{live}-0a1d"}, "a live run's, and a busy one, stay"
