"""Student mode: the rubric as pytest tests, one per check (`make testTask1`).

`pytest graders/suites --task task1` grades the Dockerfiles of the submission folder (default: the repo root),
so `-k`, `-x` and `--junitxml` work as usual; a score line per task ends the run.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from .core import Status
from .exercise import (
    CONFIG_FILE,
    CheckSpec,
    Exercise,
    ExerciseError,
    TaskSpec,
    configured_exercise,
    load_exercise,
)
from .grading import GradingOptions, LocatedTask, TaskGrading
from .report import github
from .submission import Submission

if TYPE_CHECKING:
    from .session import DockerSessions

_GRADINGS = pytest.StashKey[dict[str, TaskGrading]]()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("graders", "grading of the Docker exercise")
    group.addoption("--submission", metavar="PATH", help="submission folder to grade (default: the repo root)")
    group.addoption("--task", action="append", default=[], metavar="TASK", help="task to grade (repeatable)")
    group.addoption("--static-only", action="store_true", help="only the static checks; no Docker engine needed")
    group.addoption("--registry", metavar="HOST/PROJECT/REPOSITORY", help="check that the images were pushed there")
    group.addoption("--exercise", metavar="NAME|PATH",
                    help=f"the exercise to grade against (default: `exercise` of {CONFIG_FILE} at the repo root)")


_EXERCISE = pytest.StashKey[Exercise]()


def pytest_configure(config: pytest.Config) -> None:
    config.stash[_GRADINGS] = {}
    try:
        exercise = load_exercise(config.getoption("exercise") or configured_exercise(config.rootpath))
        exercise.select(config.getoption("task"))
    except ExerciseError as problem:
        raise pytest.UsageError(str(problem)) from None
    config.stash[_EXERCISE] = exercise


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "rubric_check" not in metafunc.fixturenames:
        return
    config = metafunc.config
    tasks = config.stash[_EXERCISE].select(config.getoption("task"))
    cases = [(task, spec) for task in tasks for spec in task.checks]
    metafunc.parametrize("rubric_check", cases, ids=[f"{task.id}::{spec.id}" for task, spec in cases])


@pytest.fixture
def rubric_check(request: pytest.FixtureRequest) -> tuple[TaskSpec, CheckSpec]:
    case: tuple[TaskSpec, CheckSpec] = request.param  # one of pytest_generate_tests' cases
    return case


@pytest.fixture(scope="session")
def task_grading(request: pytest.FixtureRequest) -> Iterator[Callable[[TaskSpec], TaskGrading]]:
    """`task_grading(task)`: the task's driver, one for the whole run and driven a check per test, so one build serves
    all its checks."""
    config = request.config
    submission_path = Path(config.getoption("submission") or config.rootpath)
    submission = Submission(submission_path.resolve().name, submission_path)
    sessions = _session_factory(config)
    options = GradingOptions(static_only=config.getoption("static_only"), session_factory=sessions)
    gradings: dict[str, TaskGrading] = config.stash[_GRADINGS]

    def get(task: TaskSpec) -> TaskGrading:
        if task.id not in gradings:
            item = LocatedTask(submission, task, submission.find(task.dockerfiles))
            gradings[task.id] = TaskGrading(item, options)
        return gradings[task.id]

    yield get
    for grading in gradings.values():
        grading.close()
    if sessions is not None:
        sessions.close()


def _session_factory(config: pytest.Config) -> DockerSessions | None:
    if config.getoption("static_only"):
        return None
    from .run_settings import RunSettings
    from .session import DockerSessions  # the Docker SDK only where images get built
    from .session_modes import StudentMode

    return DockerSessions(StudentMode.of(config.stash[_EXERCISE], config.rootpath),
                          settings=RunSettings(registry=config.getoption("registry")))


def assert_check_passes(grading: TaskGrading, spec: CheckSpec) -> None:
    __tracebackhide__ = True
    result = grading.run(spec)
    if result.status is Status.SKIPPED:
        pytest.skip(result.message)
    if result.status is Status.ERROR:
        raise RuntimeError(f"the harness could not run {spec.id}: {result.message}")
    if result.status is Status.FAILED:
        where = f"line {result.line}: " if result.line and f"line {result.line}" not in result.message else ""
        pytest.fail(f"{where}{result.message}\nhint: {result.hint}", pytrace=False)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter, exitstatus: pytest.ExitCode,
                            config: pytest.Config) -> None:
    gradings: dict[str, TaskGrading] = config.stash.get(_GRADINGS, {})
    for task_id, grading in gradings.items():
        result = grading.result()
        failed = sum(check.status is Status.FAILED for check in result.checks)
        terminalreporter.write_line(f"{task_id}: score {result.score}/{result.max_score} ({failed} failed)", bold=True)
    # GitHub Actions: annotations on the Dockerfile lines, the score table in the step summary (else nothing)
    github.publish([(task_id, g.item.dockerfile, g.results) for task_id, g in gradings.items()],
                   root=config.rootpath, write_line=terminalreporter.write_line)
