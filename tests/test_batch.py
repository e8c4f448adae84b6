"""Batch runs: results saved per task as they come, resumable after kill -9, shardable and mergeable."""

import json
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from graders.batch import RunFolder, Shard, folder_name, run_batch
from graders.core import Status
from graders.exercise import load_exercise
from graders.grading import GradingOptions
from graders.results import CheckResult, TaskResult
from graders.submission import Submission

ROOT = Path(__file__).resolve().parents[1]
MODEL = ROOT / "exercises" / "docker-fundamentals-2022" / "submissions" / "model-solution"
MISTAKES = ROOT / "exercises" / "docker-fundamentals-2022" / "submissions" / "common-mistakes"


def make_class(folder: Path, size: int) -> Path:
    """`size` students, alternately the model solution and the common mistakes, some tasks missing."""
    for index in range(size):
        source = MODEL if index % 2 else MISTAKES
        student = folder / f"student-{index:04d}"
        shutil.copytree(source, student)
        if index % 7 == 0:
            (student / "dockerfile-nonroot").unlink()
    return folder


def grade_cli(*args, **kwargs):
    command = [sys.executable, "-m", "graders", "grade", *map(str, args), "--static-only", "--no-advisories"]
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, **kwargs)


def results_of(run_dir: Path) -> dict:
    return json.loads((run_dir / "results.json").read_text())


def test_folder_names_are_safe_and_distinct():
    ids = ["alice", "Ünïcode name", "../../etc", "a/b", "a-b", "a b", "-rf", "." * 300]
    names = [folder_name(i) for i in ids]
    assert len(set(names)) == len(ids)
    assert folder_name("alice") == "alice"
    assert all("/" not in n and n not in (".", "..") and len(n) <= 70 for n in names)


def test_shards_partition_the_class_deterministically():
    submissions = [Submission(f"s{i}", Path(".")) for i in (5, 1, 4, 2, 3, 0, 6)]
    parts = [Shard(k, 3).select(submissions) for k in (1, 2, 3)]
    ids = [s.id for part in parts for s in part]
    assert sorted(ids) == sorted(s.id for s in submissions) and len(ids) == len(set(ids))
    assert [s.id for s in Shard(1, 3).select(list(reversed(submissions)))] == [s.id for s in parts[0]]


@pytest.mark.parametrize("text", ["0/2", "3/2", "1", "a/b", "1/0"])
def test_bad_shards_are_refused(text):
    with pytest.raises(ValueError, match="K/N"):
        Shard.parse(text)


def test_each_task_is_saved_and_resume_grades_only_what_is_missing(tmp_path):
    make_class(tmp_path / "class", 4)
    submissions = [Submission(p.name, p) for p in sorted((tmp_path / "class").iterdir())]
    tasks = list(load_exercise().tasks.values())
    folder = RunFolder(tmp_path / "run")
    options = [GradingOptions(static_only=True)]
    first = run_batch(submissions, tasks, folder, options, jobs=2)
    assert len(list(folder.results.glob("*/*.json"))) == 4 * len(tasks)
    folder.task_file("student-0001", "task2").unlink()
    graded = []
    second = run_batch(submissions, tasks, folder, options, jobs=2, resume=True,
                       progress=lambda event, s, t, r: graded.append((s.id, t.id)) if event == "done" else None)
    assert graded == [("student-0001", "task2")]
    assert [r.to_dict() for r in second] == [r.to_dict() for r in first]


def test_sharded_then_merged_equals_unsharded(tmp_path):
    classroom = make_class(tmp_path / "class", 9)
    assert grade_cli(classroom, "--out", tmp_path / "whole").returncode == 0
    for k in (1, 2, 3):
        assert grade_cli(classroom, "--shard", f"{k}/3", "--out", tmp_path / f"shard-{k}").returncode == 0
    merged = subprocess.run(
        [sys.executable, "-m", "graders", "merge", *(tmp_path / f"shard-{k}" for k in (1, 2, 3)),
         "--out", tmp_path / "merged"], cwd=ROOT, capture_output=True, text=True)
    assert merged.returncode == 0, merged.stderr
    assert results_of(tmp_path / "merged") == results_of(tmp_path / "whole")
    assert (tmp_path / "merged" / "grades.csv").read_text() == (tmp_path / "whole" / "grades.csv").read_text()


def _start_then_stop_midway(classroom: Path, run_dir: Path, how: signal.Signals) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "graders", "grade", str(classroom), "--static-only", "--no-advisories",
               "--jobs", "1", "--out", str(run_dir)]
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while len(list((run_dir / "results").glob("*/*.json"))) < 20 and time.monotonic() < deadline:
        time.sleep(0.005)
    process.send_signal(how)
    stdout, stderr = process.communicate(timeout=60)
    return subprocess.CompletedProcess(command, process.returncode, stdout, stderr)


@pytest.mark.parametrize(("checks", "done"), [
    ((CheckResult("builds", Status.PASSED, 1, 1),), True),
    ((CheckResult("builds", Status.ERROR, 0, 1, message="no Docker engine answers"),), False),
    ((CheckResult("builds", Status.ERROR, 0, 1, message="failed on the offline stand-in", settled=True),
      CheckResult("image-config", Status.ERROR, 0, 1, message="blocked", settled=True)), True),
    ((CheckResult("builds", Status.ERROR, 0, 1, settled=True), CheckResult("pushed", Status.ERROR, 0, 1)), False),
], ids=["passed", "engine-gone", "settled-on-this-machine", "one-error-not-settled"])
def test_resume_grades_again_only_the_errors_grading_again_could_mend(tmp_path, checks, done):
    folder = RunFolder(tmp_path / "run")
    folder.save("alice", TaskResult("task3-2", "graded", "dockerfile-task-3-2", checks))
    assert folder.done("alice", "task3-2") is done
    assert [c.id for c in folder.load()["alice"]["task3-2"].checks] == [c.id for c in checks]


def test_kill_9_then_resume_gives_the_same_reports(tmp_path):
    classroom = make_class(tmp_path / "class", 300)
    killed = _start_then_stop_midway(classroom, tmp_path / "run", signal.SIGKILL)
    assert killed.returncode == -signal.SIGKILL, "the batch finished before it could be killed: make the class bigger"
    saved = len(list((tmp_path / "run" / "results").glob("*/*.json")))
    assert 20 <= saved < 300 * 5
    resumed = grade_cli(classroom, "--resume", "--out", tmp_path / "run")
    assert resumed.returncode == 0, resumed.stderr
    assert grade_cli(classroom, "--out", tmp_path / "whole").returncode == 0
    assert results_of(tmp_path / "run") == results_of(tmp_path / "whole")


def test_sigterm_stops_cleanly_with_consistent_partial_reports(tmp_path):
    classroom = make_class(tmp_path / "class", 300)
    stopped = _start_then_stop_midway(classroom, tmp_path / "run", signal.SIGTERM)
    assert stopped.returncode == 130, stopped.stderr
    assert "--resume --out" in stopped.stderr
    partial = results_of(tmp_path / "run")
    saved = len(list((tmp_path / "run" / "results").glob("*/*.json")))
    assert sum(len(s["tasks"]) for s in partial["submissions"]) == saved


def test_resume_needs_out():
    result = grade_cli(MODEL, "--resume")
    assert result.returncode == 2 and "--resume needs --out" in result.stderr
