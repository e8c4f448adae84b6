"""Gradescope's autograder results format (`/autograder/results/results.json`), one document per submission.

Follows Gradescope's autograder specification: a top-level `score` (which Gradescope uses as the submission's
score), `output` shown to the student, and one test per check with `score`, `max_score`, `status`
("passed" | "failed"), `name`, `number` and `output`. A missing task is one failed test worth the task's max;
skipped checks are worth nothing here, so they are listed in the top-level output rather than as tests.
"""

from __future__ import annotations

import json
from typing import Any

from ..core import Status
from ..exercise import Exercise
from ..results import CheckResult, SubmissionResult
from .common import (
    ABSENT,
    MISSING,
    clean,
    exercise_or_default,
    row,
    skipped_by_reason,
    task_ids,
    task_title,
)


def document(submission: SubmissionResult, exercise: Exercise | None = None,
             tasks: list[str] | None = None) -> dict[str, Any]:
    exercise = exercise_or_default(exercise)
    r = row(submission, tasks if tasks is not None else task_ids([submission], exercise), exercise)
    tests: list[dict[str, Any]] = []
    notes: list[str] = []
    for task_number, cell in enumerate(r.cells, start=1):
        title = task_title(exercise, cell.task)
        result = cell.result
        if cell.status in (MISSING, ABSENT) or result is None:  # an absent task has no result
            why = (_first_line(result.checks[0].message) if result and result.checks
                   else "no Dockerfile found") if cell.status == MISSING else "not graded in this run"
            tests.append(_test(f"{task_number}", f"{cell.task}: {title}", 0, cell.max_score, False,
                               f"{why}; this task scores 0.", cell.task))
            continue
        number = 0
        for check in result.checks:
            if check.status is Status.SKIPPED:
                continue
            number += 1
            tests.append(_test(f"{task_number}.{number}", f"{cell.task}: {check.id} ({check.title or check.id})",
                               check.points, check.max_points, check.status is Status.PASSED, _output(check),
                               cell.task))
        for reason, ids in skipped_by_reason(result).items():
            notes.append(f"{cell.task}: not graded here ({reason}): {', '.join(ids)}")
    output = [f"Total: {r.total}/{r.total_max}"]
    output += [f"{cell.task}: {cell.score}/{cell.max_score}" + ("" if cell.status == "graded" else f" ({cell.status})")
               for cell in r.cells]
    if notes:
        output += ["", *notes]
    return {"score": r.total, "output": clean("\n".join(output)), "tests": tests}


def render(submission: SubmissionResult, exercise: Exercise | None = None, tasks: list[str] | None = None) -> str:
    return json.dumps(document(submission, exercise, tasks), indent=2, ensure_ascii=False) + "\n"


def _test(number: str, name: str, score: int, max_score: int, passed: bool, output: str, task: str) -> dict[str, Any]:
    return {"name": clean(name), "number": number, "score": score, "max_score": max_score,
            "status": "passed" if passed else "failed", "output": clean(output), "tags": [task],
            "visibility": "visible"}


def _output(check: CheckResult) -> str:
    if check.status is Status.PASSED:
        return check.message
    lines = []
    if check.status is Status.ERROR:
        lines.append("The grader itself failed on this check, not your Dockerfile: ask for a regrade.")
    lines.append(f"line {check.line}: {check.message}" if check.line and f"line {check.line}" not in check.message
                 else check.message)
    if check.hint and check.status is Status.FAILED:
        lines.append(f"Hint: {check.hint}")
    return "\n".join(lines)


def _first_line(text: str) -> str:
    return text.splitlines()[0] if text else ""
