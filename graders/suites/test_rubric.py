"""The rubric's checks as tests: `make testTask1` runs this file with `--task task1`."""

from collections.abc import Callable

from graders.exercise import CheckSpec, TaskSpec
from graders.grading import TaskGrading
from graders.pytest_plugin import assert_check_passes


def test_rubric(rubric_check: tuple[TaskSpec, CheckSpec], task_grading: Callable[[TaskSpec], TaskGrading]) -> None:
    task, spec = rubric_check
    assert_check_passes(task_grading(task), spec)
