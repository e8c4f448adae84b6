"""The rubric's checks as tests: `make testTask1` runs this file with `--task task1`."""

from graders.pytest_plugin import assert_check_passes


def test_rubric(rubric_check, task_grading):
    task, spec = rubric_check
    assert_check_passes(task_grading(task), spec)
