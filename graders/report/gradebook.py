"""grades.csv: one row per student — each task's score and max in rubric order, then the total — for a spreadsheet
or an LMS upload. A task a submission lacks scores 0 out of its full max. Ids that a spreadsheet would read as a
formula (starting with =, +, -, @, tab or CR) get a leading apostrophe."""

from __future__ import annotations

import csv
import io

from ..exercise import Exercise
from ..results import SubmissionResult
from .common import clean, exercise_or_default, rows

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def render(results: list[SubmissionResult], exercise: Exercise | None = None) -> str:
    tasks, table = rows(results, exercise_or_default(exercise))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["id", *(f"{task}_{part}" for task in tasks for part in ("score", "max")), "total", "total_max"])
    for r in table:
        scores = [value for cell in r.cells for value in (cell.score, cell.max_score)]
        writer.writerow([safe_cell(r.id), *scores, r.total, r.total_max])
    return out.getvalue()


def safe_cell(text: str) -> str:
    text = clean(text)
    return "'" + text if text.startswith(_FORMULA_STARTS) else text
