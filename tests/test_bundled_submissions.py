"""The bundled submissions: the model solution gets every static point; each common mistake is reported under
the right check id, on the right line, and nothing else fails."""

from pathlib import Path

import pytest

from graders.checks.base import Kind, Status
from graders.checks.registry import REGISTRY
from graders.grading import GradingOptions, grade
from graders.exercise import load_exercise
from graders.submission import Submission

SUBMISSIONS = Path(__file__).resolve().parents[1] / "exercises" / "docker-fundamentals-2022" / "submissions"

COMMON_MISTAKES = {
    ("task1", "base-image", 1),
    ("task1", "debian-frontend-arg", 2),
    ("task1", "one-command-per-run", 4),
    ("task1", "deadsnakes-ppa", 6),
    ("task1", "pinned-python-packages", 8),
    ("task1", "entrypoint", 12),
    ("task2", "no-install-recommends", 5),
    ("task2", "pip-no-cache-dir", 9),
    ("task2", "apt-lists-removed", 10),
    ("task2", "cmd", 15),
    ("task3-1", "base-image", 1),
    ("task3-1", "single-install-run", 7),
    ("task3-1", "pip-no-cache-dir", 6),
    ("task3-1", "poetry-install", 6),
    ("task3-1", "poetry-project", None),
    ("task3-1", "cmd", 10),
    ("task3-2", "no-manual-python", 6),
    ("task3-2", "poetry-project", None),
    ("task3-2", "workdir", 4),
    ("task3-2", "copy-context", 5),
    ("task3-2", "expose-8000", 7),
    ("nonroot", "non-root-user", 2),
}


def static_results(name):
    exercise = load_exercise()
    submission = Submission(name, SUBMISSIONS / name)
    [result] = grade([submission], list(exercise.tasks.values()), GradingOptions(static_only=True))
    return result


def test_model_solution_gets_every_static_point():
    for task in static_results("model-solution").tasks:
        static = [check for check in task.checks if REGISTRY[check.id].kind is Kind.STATIC]
        not_passed = [(check.id, check.message) for check in static if check.status is not Status.PASSED]
        # Task 3's apt-lists-removed applies only when apt is used; the model solution uses none.
        assert not_passed in ([], [("apt-lists-removed", "no apt in this Dockerfile")]), task.task


def test_common_mistakes_are_each_reported_under_their_id_and_line():
    result = static_results("common-mistakes")
    found = {
        (task.task, check.id, check.line)
        for task in result.tasks
        for check in task.checks
        if check.status is Status.FAILED
    }
    assert found == COMMON_MISTAKES


@pytest.mark.parametrize("name", ["model-solution", "common-mistakes"])
def test_bundled_submissions_have_every_task(name):
    assert all(task.status == "graded" for task in static_results(name).tasks)
