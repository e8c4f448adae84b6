"""End to end: the model solutions of task3-1, task3-2 and nonroot of both editions, graded by their exercise on the
real engine, get every dynamic point (python-version skipped on an offline stand-in base, pushed skipped without a
registry)."""

import pytest

from graders.checks.base import Kind
from graders.core import Status
from graders.exercise import load_exercise
from graders.grading import GradingOptions, grade
from graders.submission import Submission
from tests.dynamic.conftest import batch_sessions

pytestmark = pytest.mark.docker

EDITIONS = ("docker-fundamentals-2022", "docker-fundamentals-2023")
TASKS = ("task3-1", "task3-2", "nonroot")
EXPECTED = {
    "task3-1": {"builds", "image-config", "serves-hello-world", "python-version", "apt-lists-empty", "no-pip-cache",
                "pushed"},
    "task3-2": {"builds", "image-config", "serves-hello-world", "python-version", "apt-lists-empty", "no-pip-cache",
                "smaller-than-previous", "pushed"},
    "nonroot": {"builds", "image-config", "serves-hello-world", "python-version", "runs-as-non-root", "pushed"},
}


@pytest.fixture(scope="module", params=EDITIONS)
def graded(engine, request):
    exercise = load_exercise(request.param)
    model = exercise.folder / "submissions" / "model-solution"
    sessions = batch_sessions(engine, exercise=exercise, build_timeout=600.0)
    try:
        results = grade([Submission("model-solution", model)], [exercise.tasks[t] for t in TASKS],
                        GradingOptions(session_factory=sessions))
    finally:
        sessions.close()
    return exercise, {task.task: task for task in results[0].tasks}


@pytest.mark.parametrize("task_id", TASKS)
def test_every_dynamic_point(graded, task_id):
    exercise, tasks = graded
    task = tasks[task_id]
    dynamic = {check.id: check for check in task.checks if exercise.tasks[task_id].spec(check.id).check.kind
               is Kind.DYNAMIC}
    assert set(dynamic) == EXPECTED[task_id]
    assert task.image is not None and task.image.size_bytes > 0
    for check_id, check in dynamic.items():
        if check_id == "python-version" and task.image.standin_base:
            assert check.status is Status.SKIPPED and "offline stand-in base image" in check.message, check
        elif check_id == "pushed":
            assert check.status is Status.SKIPPED and "no registry configured" in check.message, check
        else:
            assert check.status is Status.PASSED, f"{task_id} {check_id}: {check.status.value}: {check.message}"


def test_every_static_point_too(graded):
    for task in graded[1].values():
        failed = [f"{c.id}: {c.message}" for c in task.checks if c.status is not Status.PASSED and c.status
                  is not Status.SKIPPED]
        assert not failed, f"{task.task}: {failed}"


def test_image_info_names_the_stand_in(graded):
    exercise, tasks = graded
    for task in tasks.values():
        if task.image.standin_base:
            assert task.image.standin_base == exercise.tasks[task.task].base_image
