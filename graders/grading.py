"""The one driver of a task's grading, `TaskGrading`: the batch (`grade_task` in its workers and processes), student
mode (one pytest test per check, `TaskGrading.run`) and `grade` (the tests, the end-to-end bench) all go through it."""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

from .checks.base import Kind
from .checks.context import StaticContext
from .checks.session import DynamicSession
from .core import (
    Blocked,
    HarnessError,
    Inconclusive,
    Status,
    Verdict,
    error,
    failed,
    skipped,
)
from .dockerfile import Dockerfile, parse
from .exercise import CheckSpec, TaskSpec
from .results import Advisory, CheckResult, SubmissionResult, TaskResult
from .submission import Submission, UnreadableFile, read_text_file

log = logging.getLogger(__name__)


SessionFactory = Callable[[Submission, TaskSpec, Path, Dockerfile], DynamicSession]  # the Dockerfile's path, its model
Linter = Callable[[list[Path]], dict[Path, list[Advisory]]]


@dataclass(frozen=True)
class GradingOptions:
    static_only: bool = False
    session_factory: SessionFactory | None = None
    linter: Linter | None = None


@dataclass(frozen=True)
class LocatedTask:
    """A task of one submission, with the Dockerfile found for it (None when the submission has none)."""

    submission: Submission
    task: TaskSpec
    dockerfile: Path | None

    def advisories(self, found: dict[Path, list[Advisory]]) -> tuple[Advisory, ...]:
        """The linter's findings on this task's Dockerfile, less the codes its exercise asks students to trigger."""
        if self.dockerfile is None:
            return ()
        return tuple(a for a in found.get(self.dockerfile, ()) if a.code not in self.task.ignored_advisories)


def locate(submissions: Iterable[Submission], tasks: list[TaskSpec]) -> list[LocatedTask]:
    return [LocatedTask(s, task, s.find(task.dockerfiles)) for s in submissions for task in tasks]


def grade(submissions: list[Submission], tasks: list[TaskSpec], options: GradingOptions) -> list[SubmissionResult]:
    """Every task of these submissions in one call, one after the other in this process: the batch's driver without
    its workers and run folder."""
    located = locate(submissions, tasks)
    # The linter is another process: it runs on the second core while the checks run here.
    with ThreadPoolExecutor(max_workers=1) as pool:
        advisories = pool.submit(lint_all, located, options)
        graded = [(item, grade_task(item, options)) for item in located]
        found = advisories.result()
    by_submission: dict[int, list[TaskResult]] = {}
    for item, result in graded:
        by_submission.setdefault(id(item.submission), []).append(
            dataclasses.replace(result, advisories=item.advisories(found)))
    return [SubmissionResult(s.id, tuple(by_submission.get(id(s), ()))) for s in submissions]


def lint_all(located: list[LocatedTask], options: GradingOptions) -> dict[Path, list[Advisory]]:
    """One linter call for every Dockerfile of the batch: a process per file would dominate the run time."""
    if options.linter is None:
        return {}
    paths = [item.dockerfile for item in located if item.dockerfile is not None and item.dockerfile.is_file()
             and not item.submission.escapes(item.dockerfile)]
    try:
        return options.linter(paths) if paths else {}
    except HarnessError as problem:
        log.warning("advisories unavailable: %s", problem)
        return {}


def grade_task(item: LocatedTask, options: GradingOptions) -> TaskResult:
    """A task's whole rubric in one call; the linter's findings join it later, from the batch's one linter run."""
    with TaskGrading(item, options) as grading:
        for spec in item.task.checks:
            grading.run(spec)
    return grading.result()


class TaskGrading:
    """Grades one task check by check: the static checks read the Dockerfile parsed once, the dynamic session opens
    at the first dynamic check and closes with `close`, and whatever a check raises becomes its status."""

    def __init__(self, item: LocatedTask, options: GradingOptions) -> None:
        self.item = item
        self.options = options
        self.results: list[CheckResult] = []
        self._errors: set[str] = set()  # the checks that ended in an error, by check id
        self._stack = ExitStack()
        self._session: DynamicSession | None = None
        self._context: StaticContext | None = None
        self._source: str | None = None
        self._unreadable = ""
        self._crashed = ""
        if item.dockerfile is None:
            wanted = " or ".join(f"`{name}`" for name in item.task.dockerfiles)
            self._unreadable = f"missing: no {wanted} in the submission"
            return
        if item.submission.escapes(item.dockerfile):
            self._unreadable = (f"`{item.dockerfile.name}` is a symbolic link that leads out of the submission; the "
                                "grader never follows it: make it the Dockerfile itself")
            return
        try:
            self._source = read_text_file(item.dockerfile)
            self._context = StaticContext(parse(self._source), item.submission)
        except UnreadableFile as problem:
            self._unreadable = str(problem)
        except Exception as problem:  # a harness bug on one file costs its task's checks an `error`, nothing more
            log.exception("reading %s crashed", item.dockerfile)
            self._crashed = f"internal error reading `{item.dockerfile.name}`: {type(problem).__name__}: {problem}"

    def __enter__(self) -> TaskGrading:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        """Remove what the dynamic session made (image, container); the results stay."""
        self._stack.close()

    def run(self, spec: CheckSpec) -> CheckResult:
        dynamic = spec.check.kind is Kind.DYNAMIC
        if dynamic and (self.options.static_only or self.options.session_factory is None):
            verdict = skipped("static-only run: the image was not built")
        elif self._unreadable:
            verdict = failed(self._unreadable)
        elif self._crashed:
            verdict = error(self._crashed)
        elif not dynamic:
            assert self._context is not None  # read, since neither unreadable nor crashed
            verdict = _run_static(spec, self._context)
        else:
            verdict = _run(spec, lambda: spec.check(self._open_session(), **spec.parameters))
            if verdict.status is Status.FAILED and verdict.blocked_by in self._errors:
                # a prerequisite the machine failed (a build the network stopped) blocks no student's point
                verdict = error(f"blocked: `{verdict.blocked_by}` ended in an error (the machine's, see there)")
        if verdict.status is Status.ERROR:
            self._errors.add(spec.check.id)
        result = _result(spec, verdict)
        self.results.append(result)
        return result

    def _open_session(self) -> DynamicSession:
        if self._session is None:
            factory = self.options.session_factory
            # `run` opens a session only with a factory, on a Dockerfile read (neither unreadable nor crashed)
            assert factory is not None and self.item.dockerfile is not None and self._context is not None
            self._session = self._stack.enter_context(
                factory(self.item.submission, self.item.task, self.item.dockerfile, self._context.dockerfile))
        return self._session

    def result(self) -> TaskResult:
        """The task's result from the checks run so far: all of them after `grade_task`, those pytest selected in
        student mode."""
        task, path = self.item.task, self.item.dockerfile
        if path is None:
            return TaskResult(task.id, "missing", None, tuple(self.results))
        image = self._session.image_info if self._session is not None else None
        return TaskResult(task.id, "graded", path.name, tuple(self.results), image, source=self._source)


def _run_static(spec: CheckSpec, context: StaticContext) -> Verdict:
    if spec.check.reads_run_commands and context.dockerfile.shell_errors:
        problem = context.dockerfile.shell_errors[0]
        return failed(
            f"line {problem.line}: the RUN is not valid shell ({problem.message}); /bin/sh would reject it too, "
            "and its commands cannot be graded. Fix the quoting.",
            problem.line,
        )
    return _run(spec, lambda: spec.check(context, **spec.parameters))


def _run(spec: CheckSpec, check: Callable[[], Verdict]) -> Verdict:
    """The check's verdict; what it raises becomes one (opening the Docker session included)."""
    try:
        return check()
    except Blocked as blocked:
        return Verdict(Status.FAILED, str(blocked), blocked_by=blocked.prerequisite)
    except Inconclusive as problem:
        return error(str(problem), settled=True)
    except HarnessError as problem:
        return error(str(problem))
    except Exception as problem:  # a bug of the harness must not cost the student the rest of the grading
        log.exception("check %s crashed", spec.id)
        return error(f"internal error in check {spec.id}: {type(problem).__name__}: {problem}")


def _result(spec: CheckSpec, verdict: Verdict) -> CheckResult:
    points = spec.points if verdict.status is Status.PASSED else 0
    return CheckResult(
        spec.id, verdict.status, points, spec.points, spec.title, verdict.line, verdict.message, spec.hint,
        verdict.settled,
    )
