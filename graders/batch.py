"""Grade a class: workers in parallel, each result saved as soon as it is known, resumable, shardable.

A run folder holds `results/<submission>/<task>.json`, one file per submission and task, each written atomically
when that task is graded: a crash or `kill -9` loses only the tasks in flight, and `--resume` grades only what
the folder lacks, or holds with an `error` check (the machine's failure, not the student's) that grading again
could mend. The reports (results.json, grades.csv, the dashboard ...) are made from those files at the end, and
again by `merge` from the folders of several shards.
"""

from __future__ import annotations

import dataclasses
import hashlib
import itertools
import json
import logging
import re
import secrets
import threading
import time
import unicodedata
from collections.abc import Callable
from concurrent.futures import (
    Future,
    ProcessPoolExecutor,
    ThreadPoolExecutor,
    as_completed,
)
from dataclasses import dataclass
from pathlib import Path

from .core import Status
from .exercise import Exercise, ExerciseError, TaskSpec, available
from .files import write_atomically
from .grading import GradingOptions, LocatedTask, grade_task, lint_all, locate
from .results import Advisory, SubmissionResult, TaskResult
from .submission import Submission

RESULTS = "results"
EXERCISE = "exercise.json"  # which exercise the folder's results were graded against
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Shard:
    index: int  # 1-based, as written on the command line: --shard 2/4
    count: int

    @classmethod
    def parse(cls, text: str) -> Shard:
        match = re.fullmatch(r"(\d+)/(\d+)", text.strip())
        if not match or not 1 <= int(match.group(1)) <= int(match.group(2)):
            raise ValueError(f"--shard takes K/N with 1 <= K <= N, e.g. 2/4; got {text!r}")
        return cls(int(match.group(1)), int(match.group(2)))

    def select(self, submissions: list[Submission]) -> list[Submission]:
        """Every N-th submission in id order: deterministic, and balanced whatever the ids."""
        ordered = sorted(submissions, key=lambda s: s.id)
        return ordered[self.index - 1 :: self.count]


def new_run_id() -> str:
    """Sortable and unique: names the run folder and labels everything the run creates in Docker."""
    return time.strftime("%Y%m%d-%H%M%S") + "-" + secrets.token_hex(3)


def folder_name(submission_id: str) -> str:
    """A file name for any submission id: readable, never a path, and distinct for distinct ids."""
    readable = unicodedata.normalize("NFKD", submission_id).encode("ascii", "ignore").decode()
    readable = re.sub(r"[^A-Za-z0-9._-]+", "-", readable).strip(".-")[:60] or "submission"
    if readable == submission_id:
        return readable
    return f"{readable}-{hashlib.sha1(submission_id.encode()).hexdigest()[:8]}"


class RunFolder:
    """The results of one run, one JSON file per submission and task."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.results = path / RESULTS
        self._lock = threading.Lock()
        self._frozen = False

    def remember(self, exercise: Exercise) -> None:
        """Note the exercise graded, so that `--resume` and `merge` need no flag; a folder holds one exercise."""
        known = self.remembered()
        if known is not None and known not in (exercise.name, str(exercise.folder)):
            raise ExerciseError(f"{self.path} holds results graded against {known}, not {exercise.name}: "
                                "give another --out folder")
        write_atomically(self.path / EXERCISE, json.dumps(
            {"exercise": exercise.name, "folder": str(exercise.folder), "digest": exercise.digest}) + "\n")

    def remembered(self) -> str | None:
        """The exercise of an earlier run into this folder: its name when shipped, else its folder; None if none."""
        try:
            document = json.loads((self.path / EXERCISE).read_text(encoding="utf-8"))
            name, folder = document["exercise"], document["folder"]
        except (OSError, ValueError, KeyError, TypeError):
            return None
        if not isinstance(name, str) or not isinstance(folder, str):  # a damaged file remembers nothing
            return None
        return name if available().get(name) == Path(folder) or not Path(folder).is_dir() else folder

    def task_file(self, submission_id: str, task_id: str) -> Path:
        return self.results / folder_name(submission_id) / f"{task_id}.json"

    def has(self, submission_id: str, task_id: str) -> bool:
        return self.task_file(submission_id, task_id).is_file()

    def done(self, submission_id: str, task_id: str) -> bool:
        """Saved, and graded to the end: a result with an `error` check (the engine stopped, the disk filled)
        is not done, and `--resume` grades it again; unless every such error is `settled`, one this machine would
        give again (a build on an offline stand-in)."""
        path = self.task_file(submission_id, task_id)
        try:
            document = json.loads(path.read_text(encoding="utf-8"))
            checks = document["task"].get("checks") or ()
            errors = {check.get("id") for check in checks if isinstance(check, dict) and check.get("status") == "error"}
            return errors <= set(document.get("settled") or ())
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return False

    def save(self, submission_id: str, result: TaskResult) -> None:
        settled = [check.id for check in result.checks if check.status is Status.ERROR and check.settled]
        document = {"submission": submission_id, "settled": settled, "task": result.to_dict()}
        with self._lock:
            if not self._frozen:
                write_atomically(self.task_file(submission_id, result.task), json.dumps(document, ensure_ascii=False))

    def freeze(self) -> None:
        """No more saves (a stopping run): the reports made next describe exactly what the folder holds."""
        with self._lock:
            self._frozen = True

    def load(self) -> dict[str, dict[str, TaskResult]]:
        """Every saved result: submission id -> task id -> result."""
        found: dict[str, dict[str, TaskResult]] = {}
        for path in sorted(self.results.glob("*/*.json")):
            try:
                document = json.loads(path.read_text(encoding="utf-8"))
                result = TaskResult.from_dict(document["task"])
            except (OSError, ValueError, KeyError, TypeError):
                continue  # a torn file cannot exist (atomic writes); anything else is not ours
            found.setdefault(document["submission"], {})[result.task] = result
        return found


Progress = Callable[[str, Submission, TaskSpec, TaskResult | None], None]


def run_batch(
    submissions: list[Submission],
    tasks: list[TaskSpec],
    folder: RunFolder,
    option_sets: list[GradingOptions],
    *,
    jobs: int,
    resume: bool = False,
    progress: Progress | None = None,
    stop: threading.Event | None = None,
) -> list[SubmissionResult]:
    """Grade every submission's tasks with `jobs` workers; worker i uses option_sets[i % len(option_sets)]
    (one per Docker engine). A submission's tasks run in rubric order on one worker, so a task can compare its
    image with the previous task's. Returns the results of the whole folder, earlier runs' included."""
    stop = stop or threading.Event()
    pending = [s for s in submissions if not (resume and all(folder.done(s.id, t.id) for t in tasks))]
    located = locate(pending, tasks)
    worker = threading.local()
    numbers = itertools.count()

    def number_worker() -> None:
        worker.options = option_sets[next(numbers) % len(option_sets)]

    def work(submission: Submission) -> None:
        for item in (i for i in located if i.submission is submission):
            if stop.is_set():
                return
            if resume and folder.done(submission.id, item.task.id):
                continue
            try:
                _grade_and_save(item, worker.options, folder, progress)
            except Exception:  # a harness bug costs this task its result file, not the batch
                log.exception("grading %s %s crashed", submission.id, item.task.id)

    static_only = all(options.session_factory is None or options.static_only for options in option_sets)
    processes = ProcessPoolExecutor(max_workers=jobs) if static_only and jobs > 1 else None
    # Fork the worker processes first: forking once a thread of ours runs could copy a held lock.
    static_futures = _submit_static(processes, located, option_sets[0], folder, resume, jobs) if processes else []
    threads = ThreadPoolExecutor(max_workers=jobs, initializer=number_worker)
    linting = ThreadPoolExecutor(max_workers=1)
    try:
        advisories = linting.submit(lint_all, located, option_sets[0])
        for future in as_completed(static_futures):
            for item, result in future.result():
                folder.save(item.submission.id, result)
                if progress:
                    progress("done", item.submission, item.task, result)
        if processes is None:
            for worked in [threads.submit(work, submission) for submission in pending]:
                worked.result()
        _attach_advisories(folder, located, advisories.result())
    except BaseException:  # Ctrl-C, SIGTERM: stop handing out work; what is saved stays saved
        stop.set()
        for pool in (processes, threads, linting):
            if pool is not None:
                pool.shutdown(wait=False, cancel_futures=True)
        raise
    for pool in (processes, threads, linting):
        if pool is not None:
            pool.shutdown()
    return collect(folder, submissions, tasks)


def _submit_static(pool: ProcessPoolExecutor, located: list[LocatedTask], options: GradingOptions,
                   folder: RunFolder, resume: bool, jobs: int) -> list[Future[list[tuple[LocatedTask, TaskResult]]]]:
    """Static checks are pure Python: on several cores they need processes, not threads."""
    todo = [item for item in located if not (resume and folder.done(item.submission.id, item.task.id))]
    chunk = max(1, min(50, len(todo) // (jobs * 4)))
    options = dataclasses.replace(options, linter=None)
    return [pool.submit(_grade_static, todo[start : start + chunk], options) for start in range(0, len(todo), chunk)]


def _grade_static(items: list[LocatedTask], options: GradingOptions) -> list[tuple[LocatedTask, TaskResult]]:
    graded: list[tuple[LocatedTask, TaskResult]] = []
    for item in items:
        try:
            graded.append((item, grade_task(item, options)))
        except Exception:  # a harness bug costs this task its result file, not the batch
            log.exception("grading %s %s crashed", item.submission.id, item.task.id)
    return graded


def _grade_and_save(item: LocatedTask, options: GradingOptions, folder: RunFolder, progress: Progress | None) -> None:
    if progress:
        progress("start", item.submission, item.task, None)
    result = grade_task(item, options)
    folder.save(item.submission.id, result)
    if progress:
        progress("done", item.submission, item.task, result)


def _attach_advisories(folder: RunFolder, located: list[LocatedTask], found: dict[Path, list[Advisory]]) -> None:
    """The linter ran beside the workers; its findings join each saved result at the end."""
    if not found:
        return
    saved = folder.load()
    for item in located:
        result = saved.get(item.submission.id, {}).get(item.task.id)
        if result is None or item.dockerfile not in found:
            continue
        folder.save(item.submission.id, dataclasses.replace(result, advisories=item.advisories(found)))


def collect(folder: RunFolder, submissions: list[Submission], tasks: list[TaskSpec]) -> list[SubmissionResult]:
    """The folder's results for these submissions, by submission id, tasks in rubric order."""
    saved = folder.load()
    wanted = {s.id for s in submissions}
    return _ordered({sid: found for sid, found in saved.items() if sid in wanted}, tasks)


def merge(folders: list[RunFolder], tasks: list[TaskSpec]) -> list[SubmissionResult]:
    """The results of several run folders (shards) as one class; a task graded in two keeps the later folder's."""
    combined: dict[str, dict[str, TaskResult]] = {}
    for folder in folders:
        for submission_id, found in folder.load().items():
            combined.setdefault(submission_id, {}).update(found)
    return _ordered(combined, tasks)


def _ordered(saved: dict[str, dict[str, TaskResult]], tasks: list[TaskSpec]) -> list[SubmissionResult]:
    order = {task.id: index for index, task in enumerate(tasks)}
    return [
        SubmissionResult(sid, tuple(sorted(saved[sid].values(), key=lambda r: order.get(r.task, len(order)))))
        for sid in sorted(saved)
    ]
