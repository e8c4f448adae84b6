"""The one driver of a task's grading: driven check by check (student mode) or in one call (the batch, `grade`), it
gives one result; the dynamic session opens at the first dynamic check, once, and closes with the driver; whatever a
check raises becomes its status; one score rule counts every total."""

from pathlib import Path

import pytest

from graders.checks.base import Check, Kind
from graders.core import Blocked, HarnessError, Inconclusive, Status, error, passed
from graders.exercise import CheckSpec, TaskSpec, load_exercise
from graders.grading import (
    GradingOptions,
    LocatedTask,
    TaskGrading,
    grade,
    grade_task,
    locate,
)
from graders.report import github
from graders.results import CheckResult, ImageInfo, Score, TaskResult
from graders.submission import Submission

SUBMISSIONS = Path(__file__).resolve().parents[1] / "exercises" / "docker-fundamentals-2022" / "submissions"
IMAGE = ImageInfo("graders/x-task1:run", "sha256:" + "a" * 64, 187_000_000, 5)


@pytest.mark.parametrize("name", ["model-solution", "common-mistakes"])
def test_check_by_check_or_in_one_call_the_driver_gives_one_result(name):
    submission = Submission(name, SUBMISSIONS / name)
    tasks = list(load_exercise().tasks.values())
    options = GradingOptions(static_only=True)
    in_one_call = [grade_task(item, options) for item in locate([submission], tasks)]
    check_by_check = []
    for item in locate([submission], tasks):
        with TaskGrading(item, options) as grading:
            for spec in item.task.checks:
                grading.run(spec)
        check_by_check.append(grading.result())
    assert check_by_check == in_one_call
    assert list(grade([submission], tasks, options)[0].tasks) == in_one_call


class RecordedSession:
    image_info = IMAGE

    def __init__(self, events: list[str]) -> None:
        self.events = events

    def __enter__(self):
        self.events.append("open")
        return self

    def __exit__(self, *exc_info) -> None:
        self.events.append("close")


def spec(check_id: str, kind: Kind, function, points: int = 1) -> CheckSpec:
    return CheckSpec(check_id, Check(check_id, check_id, "the hint", kind, function), points)


def located(tmp_path: Path, *specs: CheckSpec) -> LocatedTask:
    (tmp_path / "dockerfile-task-1").write_text("FROM python:3.8\n")
    task = TaskSpec("task1", "Task 1", ("dockerfile-task-1",), "task1", specs)
    submission = Submission("student", tmp_path)
    return LocatedTask(submission, task, submission.find(task.dockerfiles))


def test_the_session_opens_at_the_first_dynamic_check_once_and_closes_with_the_driver(tmp_path):
    events: list[str] = []

    def static(context):
        events.append("static")
        return passed()

    def dynamic(session):
        assert isinstance(session, RecordedSession)
        events.append("dynamic")
        return passed()

    item = located(tmp_path, spec("reads", Kind.STATIC, static), spec("builds", Kind.DYNAMIC, dynamic),
                   spec("serves", Kind.DYNAMIC, dynamic))
    options = GradingOptions(session_factory=lambda *arguments: RecordedSession(events))
    with TaskGrading(item, options) as grading:
        for check in item.task.checks:
            grading.run(check)
        assert events == ["static", "open", "dynamic", "dynamic"]
    assert events[-1] == "close"
    result = grading.result()
    assert result.image == IMAGE and result.source == "FROM python:3.8\n"
    assert (result.score, result.max_score) == (3, 3)


def raising(problem: Exception):
    def function(session):
        raise problem

    return function


@pytest.mark.parametrize(("problem", "status", "message", "settled"), [
    (Blocked("the build"), Status.FAILED, "blocked: the build failed", False),
    (Inconclusive("the offline stand-in cannot build it"), Status.ERROR, "the offline stand-in cannot build it", True),
    (HarnessError("no Docker engine answers"), Status.ERROR, "no Docker engine answers", False),
    (ValueError("a bug"), Status.ERROR, "internal error in check builds: ValueError: a bug", False),
])
def test_what_a_check_raises_becomes_its_status(tmp_path, problem, status, message, settled):
    item = located(tmp_path, spec("builds", Kind.DYNAMIC, raising(problem)))
    result = grade_task(item, GradingOptions(session_factory=lambda *arguments: RecordedSession([])))
    [check] = result.checks
    assert (check.status, check.message, check.settled, check.points) == (status, message, settled, 0)


def test_static_only_skips_the_dynamic_checks_without_a_session_and_out_of_the_max(tmp_path):
    item = located(tmp_path, spec("reads", Kind.STATIC, lambda context: passed(), points=2),
                   spec("builds", Kind.DYNAMIC, raising(AssertionError("never run")), points=5))
    result = grade_task(item, GradingOptions(static_only=True))
    assert [check.status for check in result.checks] == [Status.PASSED, Status.SKIPPED]
    assert result.image is None and (result.score, result.max_score) == (2, 2)


def test_one_score_rule_passed_points_out_of_the_checks_not_skipped():
    checks = (CheckResult("a", Status.PASSED, 2, 2), CheckResult("b", Status.FAILED, 0, 3),
              CheckResult("c", Status.SKIPPED, 0, 4), CheckResult("d", Status.ERROR, 0, 1))
    assert Score.of(checks) == Score(2, 6)
    task = TaskResult("task1", "graded", "dockerfile-task-1", checks)
    assert (task.score, task.max_score) == (2, 6)
    assert "| task1 | `dockerfile-task-1` | 2/6 |" in github.step_summary([("task1", "dockerfile-task-1", checks)])


def test_a_check_behind_a_prerequisite_the_machine_failed_is_an_error_not_a_failure(tmp_path):
    item = located(tmp_path, spec("builds", Kind.DYNAMIC, lambda session: error("the network is unreachable")),
                   spec("serves", Kind.DYNAMIC, raising(Blocked("builds"))))
    result = grade_task(item, GradingOptions(session_factory=lambda *arguments: RecordedSession([])))
    assert [(check.status, check.message) for check in result.checks] == [
        (Status.ERROR, "the network is unreachable"),
        (Status.ERROR, "blocked: `builds` ended in an error (the machine's, see there)")]


def test_a_session_that_cannot_open_is_an_error_of_its_check(tmp_path):
    def broken_factory(*arguments):
        raise HarnessError("no Docker engine answers")

    item = located(tmp_path, spec("builds", Kind.DYNAMIC, lambda session: passed()))
    [check] = grade_task(item, GradingOptions(session_factory=broken_factory)).checks
    assert (check.status, check.message) == (Status.ERROR, "no Docker engine answers")
