"""What every report format computes the same way: task order, per-student totals, class statistics, file names.

All the formats (grades.csv, summary.md, the dashboard, ...) take their numbers from here, so their totals agree;
a graded task's score is that of the one rule, `results.Score`.
A task that a submission's results lack altogether (a run stopped before it was graded) counts as 0 out of the
rubric's full max; a task graded `missing` (no Dockerfile) keeps the score and max of its result.
"""

from __future__ import annotations

import hashlib
import re
import statistics
import unicodedata
from dataclasses import dataclass, field

from ..core import Status
from ..exercise import Exercise, load_exercise
from ..results import CheckResult, SubmissionResult, TaskResult

GRADED, MISSING, ABSENT = "graded", "missing", "absent"
_UNSAFE_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")
_WINDOWS_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)), *(f"lpt{i}" for i in range(10))}


_TERMINAL_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")  # all but tab and newline
_LINE_BREAKS = re.compile("[\t\n]")


def printable(text: str, *, one_line: bool = False) -> str:
    """Text a terminal shows as it is: control characters written as `\\x1b`, so that a folder name or a Dockerfile
    cannot move the cursor, clear the screen or ring; with `one_line`, tabs and newlines too."""
    def escape(match: re.Match[str]) -> str:
        return match.group(0).encode("unicode_escape").decode("ascii")

    text = _TERMINAL_CONTROL.sub(escape, text)
    return _LINE_BREAKS.sub(escape, text) if one_line else text


def exercise_or_default(exercise: Exercise | None) -> Exercise:
    return exercise if exercise is not None else load_exercise()


def run_description(exercise: Exercise) -> dict[str, str]:
    """The `run` object of results.json: which exercise, edition and harness graded."""
    from .. import __version__

    return {"harness_version": __version__, "exercise": exercise.name, "exercise_title": exercise.title,
            "exercise_version": exercise.version, "exercise_digest": exercise.digest}


def clean(text: str) -> str:
    """Text safe in any UTF-8 file: control characters (but tab and newlines) and lone surrogates (undecodable
    bytes of a folder name) become U+FFFD."""
    return _UNSAFE_TEXT.sub("\ufffd", text)


def task_ids(results: list[SubmissionResult], exercise: Exercise) -> list[str]:
    """The tasks of this run, in rubric order: those graded for at least one submission, then unknown ones."""
    seen = list(dict.fromkeys(task.task for submission in results for task in submission.tasks))
    known = [task_id for task_id in exercise.tasks if task_id in seen]
    return known + [task_id for task_id in seen if task_id not in exercise.tasks]


def task_title(exercise: Exercise, task_id: str) -> str:
    spec = exercise.tasks.get(task_id)
    return spec.title if spec else task_id


def full_max(exercise: Exercise, task_id: str) -> int:
    spec = exercise.tasks.get(task_id)
    return sum(check.points for check in spec.checks) if spec else 0


@dataclass(frozen=True)
class Cell:
    """One student's result for one task, as the gradebook counts it."""

    task: str
    status: str  # graded | missing | absent
    score: int
    max_score: int
    result: TaskResult | None = None


@dataclass(frozen=True)
class Row:
    id: str
    cells: tuple[Cell, ...]
    submission: SubmissionResult

    @property
    def total(self) -> int:
        return sum(cell.score for cell in self.cells)

    @property
    def total_max(self) -> int:
        return sum(cell.max_score for cell in self.cells)

    def cell(self, task_id: str) -> Cell:
        return next(cell for cell in self.cells if cell.task == task_id)


def row(submission: SubmissionResult, tasks: list[str], exercise: Exercise) -> Row:
    by_task = {task.task: task for task in submission.tasks}
    cells = []
    for task_id in tasks:
        found = by_task.get(task_id)
        if found is None:
            cells.append(Cell(task_id, ABSENT, 0, full_max(exercise, task_id)))
        else:
            status = MISSING if found.status == MISSING else GRADED
            cells.append(Cell(task_id, status, found.score, found.max_score, found))
    return Row(submission.id, tuple(cells), submission)


def rows(results: list[SubmissionResult], exercise: Exercise) -> tuple[list[str], list[Row]]:
    tasks = task_ids(results, exercise)
    return tasks, [row(submission, tasks, exercise) for submission in results]


@dataclass(frozen=True)
class TaskStats:
    task: str
    graded: int
    missing: int  # no Dockerfile, or not graded in this run
    scores: tuple[int, ...]  # of the graded
    fractions: tuple[float, ...]  # score / max of the graded (max 0 counts as 1.0)

    @property
    def mean(self) -> float | None:
        return statistics.fmean(self.scores) if self.scores else None

    @property
    def median(self) -> float | None:
        return statistics.median(self.scores) if self.scores else None


def task_stats(table: list[Row], task_id: str) -> TaskStats:
    cells = [r.cell(task_id) for r in table]
    graded = [cell for cell in cells if cell.status == GRADED]
    return TaskStats(
        task_id, len(graded), len(cells) - len(graded), tuple(cell.score for cell in graded),
        tuple(cell.score / cell.max_score if cell.max_score else 1.0 for cell in graded))


@dataclass
class CheckStats:
    """How a check fared over the class: failed / (passed + failed), on the Dockerfiles that were there."""

    id: str
    title: str = ""
    passed: int = 0
    failed: int = 0
    errors: int = 0
    by_task: dict[str, list[int]] = field(default_factory=dict)  # task -> [failed, judged]

    @property
    def judged(self) -> int:
        return self.passed + self.failed

    @property
    def rate(self) -> float:
        return self.failed / self.judged if self.judged else 0.0


def check_stats(results: list[SubmissionResult], task_id: str | None = None) -> list[CheckStats]:
    """Per check id (over all tasks, or one), most failed first; missing tasks do not count."""
    found: dict[str, CheckStats] = {}
    for submission in results:
        for task in submission.tasks:
            if task.status == MISSING or (task_id is not None and task.task != task_id):
                continue
            for check in task.checks:
                stats = found.setdefault(check.id, CheckStats(check.id, check.title))
                stats.title = stats.title or check.title
                if check.status is Status.ERROR:
                    stats.errors += 1
                if check.status not in (Status.PASSED, Status.FAILED):
                    continue
                counts = stats.by_task.setdefault(task.task, [0, 0])
                counts[1] += 1
                if check.status is Status.FAILED:
                    stats.failed += 1
                    counts[0] += 1
                else:
                    stats.passed += 1
    return sorted(found.values(), key=lambda s: (-s.rate, -s.failed, s.id))


def failed_checks(task: TaskResult) -> list[CheckResult]:
    """The checks a student should read about: failed, then harness errors."""
    return [c for c in task.checks if c.status is Status.FAILED] + [c for c in task.checks if c.status is Status.ERROR]


def skipped_by_reason(task: TaskResult) -> dict[str, list[str]]:
    reasons: dict[str, list[str]] = {}
    for check in task.checks:
        if check.status is Status.SKIPPED:
            reasons.setdefault(check.message or "no reason given", []).append(check.id)
    return reasons


def slug(student_id: str) -> str:
    """A file name for any student id: lower-case ASCII, never a path; a short hash is added when it differs
    from the id, so distinct ids get distinct names (also on case-insensitive file systems)."""
    readable = _readable(student_id)
    if readable == student_id and readable not in _WINDOWS_RESERVED:
        return readable
    return f"{readable}-{_digest(student_id)[:8]}"


def slugs(student_ids: list[str]) -> dict[str, str]:
    """`slug` for a whole class, with a longer hash for the ids whose short names would still collide."""
    names = {student_id: slug(student_id) for student_id in student_ids}
    taken: dict[str, int] = {}
    for name in names.values():
        taken[name] = taken.get(name, 0) + 1
    for student_id, name in names.items():
        if taken[name] > 1:
            names[student_id] = f"{_readable(student_id)}-{_digest(student_id)[:24]}"
    return names


def _readable(student_id: str) -> str:
    readable = unicodedata.normalize("NFKD", clean(student_id)).encode("ascii", "ignore").decode().lower()
    readable = re.sub(r"[^a-z0-9._-]+", "-", readable).strip(".-_")[:60].strip(".-_")
    return readable or "student"


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def human_size(size_bytes: int) -> str:
    """Decimal units, as `docker images` shows them: 1.2 GB, 187 MB."""
    if size_bytes < 1000:
        return f"{size_bytes} B"
    value = float(size_bytes)
    for unit in ("kB", "MB", "GB", "TB"):
        value /= 1000
        if value < 999.5 or unit == "TB":
            break
    return f"{value:.0f} {unit}" if value >= 99.95 else f"{value:.1f} {unit}"


def number(value: float | None) -> str:
    """Means and medians as a person writes them: 7, 7.5, 7.3; a dash when there is none."""
    if value is None:
        return "–"
    return f"{value:.1f}".removesuffix(".0")


def previous_task(exercise: Exercise, task_id: str) -> str | None:
    """The task whose image this one should be smaller than (the rubric's smaller-than-previous check)."""
    spec = exercise.tasks.get(task_id)
    check = spec.spec("smaller-than-previous") if spec else None
    return check.parameters.get("than") if check else None
