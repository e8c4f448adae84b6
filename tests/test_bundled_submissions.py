"""Every shipped exercise's bundled submissions: the model solution gets every static point; each common mistake
is reported under the right check id, on the right line (0: none), and nothing else fails (`expected.toml`)."""


import pytest

from graders.checks.base import Kind
from graders.core import Status
from graders.exercise import available, load_exercise
from graders.grading import GradingOptions, grade
from graders.submission import Submission
from graders.toml import toml_loads

EXERCISES = sorted(available())


def static_results(exercise_name, name):
    exercise = load_exercise(exercise_name)
    submission = Submission(name, exercise.folder / "submissions" / name)
    [result] = grade([submission], list(exercise.tasks.values()), GradingOptions(static_only=True))
    return exercise, result


@pytest.mark.parametrize("exercise_name", EXERCISES)
def test_model_solution_gets_every_static_point(exercise_name):
    exercise, result = static_results(exercise_name, "model-solution")
    assert [task.task for task in result.tasks] == list(exercise.tasks)
    for task in result.tasks:
        assert task.status == "graded", task.task
        kinds = {spec.id: spec.check.kind for spec in exercise.tasks[task.task].checks}
        static = [check for check in task.checks if kinds[check.id] is Kind.STATIC]
        not_passed = [(check.id, check.message) for check in static if check.status is not Status.PASSED]
        # Task 3's apt-lists-removed applies only when apt is used; the model solutions use none.
        assert not_passed in ([], [("apt-lists-removed", "no apt in this Dockerfile")]), task.task


@pytest.mark.parametrize("exercise_name", EXERCISES)
def test_common_mistakes_are_each_reported_under_their_id_and_line(exercise_name):
    exercise, result = static_results(exercise_name, "common-mistakes")
    expected = toml_loads((exercise.folder / "submissions" / "expected.toml").read_text())["common-mistakes"]
    found = {(task.task, check.id, check.line or 0)
             for task in result.tasks for check in task.checks if check.status is Status.FAILED}
    assert found == {tuple(item) for item in expected["failed"]}
