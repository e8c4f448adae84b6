"""End to end on a real Docker engine: flask-gunicorn's model solution, built from the exercise's starter files
(web/, requirements.txt) and its own Dockerfiles, gets every point, the dynamic ones included (builds, image-config,
serves-http on port 5000, no-pip-cache, runs-as-non-root); the common mistakes' non-root image runs as root."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from graders.checks.base import Kind
from graders.core import Status
from graders.exercise import load_exercise
from graders.grading import GradingOptions, grade
from graders.submission import Submission
from tests.dynamic.conftest import batch_sessions

pytestmark = pytest.mark.docker

ROOT = Path(__file__).resolve().parents[2]
SUBMISSIONS = ROOT / "exercises" / "flask-gunicorn" / "submissions"
BASE = "python:3.11-slim"
EXPECTED = {
    "image": {"builds", "image-config", "serves-http", "no-pip-cache"},
    "nonroot": {"builds", "image-config", "serves-http", "runs-as-non-root"},
}


@pytest.fixture(scope="module")
def exercise():
    return load_exercise("flask-gunicorn")


@pytest.fixture(autouse=True)
def flask_base(engine):
    if engine.inspect_image(BASE) is None:
        pytest.skip(f"Docker tests skipped: the base image {BASE} is missing; `make offline-bases` builds an offline "
                    "stand-in where it cannot be pulled")


def graded(engine, exercise, name, tasks):
    sessions = batch_sessions(engine, exercise=exercise, build_timeout=600.0)
    try:
        [result] = grade([Submission(name, SUBMISSIONS / name)], tasks, GradingOptions(session_factory=sessions))
    finally:
        sessions.close()
    return {task.task: task for task in result.tasks}


@pytest.fixture(scope="module")
def model(engine, exercise):
    return graded(engine, exercise, "model-solution", list(exercise.tasks.values()))


@pytest.mark.parametrize("task_id", list(EXPECTED))
def test_the_model_solution_gets_every_point(model, exercise, task_id):
    task = model[task_id]
    kinds = {spec.id: spec.check.kind for spec in exercise.tasks[task_id].checks}
    assert {check.id for check in task.checks if kinds[check.id] is Kind.DYNAMIC} == EXPECTED[task_id]
    not_passed = [f"{check.id}: {check.status.value}: {check.message}" for check in task.checks
                  if check.status is not Status.PASSED]
    assert not_passed == []
    assert task.score == task.max_score == len(task.checks)
    assert task.image is not None and task.image.size_bytes > 0


def test_the_model_solution_serves_the_flask_app_on_port_5000(model):
    for task in model.values():
        [check] = [check for check in task.checks if check.id == "serves-http"]
        assert "GET / answered 200 with `Hello from Flask`" in check.message
        assert "port 5000 published on 127.0.0.1" in check.message


def test_the_common_mistakes_non_root_image_runs_as_root(engine, exercise):
    task = exercise.tasks["nonroot"]
    quick = dataclasses.replace(task, checks=tuple(spec for spec in task.checks
                                                   if spec.id in ("builds", "image-config", "runs-as-non-root")))
    checks = {check.id: check for check in graded(engine, exercise, "common-mistakes", [quick])["nonroot"].checks}
    assert checks["builds"].status is Status.PASSED, checks["builds"].message
    assert checks["image-config"].status is Status.PASSED, checks["image-config"].message
    assert checks["runs-as-non-root"].status is Status.FAILED
    assert "actual: uid 0 (USER is root)" in checks["runs-as-non-root"].message
