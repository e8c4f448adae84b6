"""summary.md: the class at a glance — how many students, per task the graded and missing counts, mean and median
score, the checks most failed — and every student's total; appended to $GITHUB_STEP_SUMMARY in GitHub Actions."""

from __future__ import annotations

import os
import statistics
from collections.abc import Mapping
from pathlib import Path

from ..exercise import Exercise
from ..results import SubmissionResult
from .common import (
    GRADED,
    CheckStats,
    check_stats,
    clean,
    exercise_or_default,
    number,
    rows,
    task_stats,
    task_title,
)
from .feedback import literal

FILE = "summary.md"
MOST_FAILED = 10  # class-wide rows of the "most failed checks" table
MOST_FAILED_PER_TASK = 3


def render(results: list[SubmissionResult], exercise: Exercise | None = None) -> str:
    exercise = exercise_or_default(exercise)
    tasks, table = rows(results, exercise)
    students = len(table)
    out = ["# Class summary", "", f"{literal(exercise.title)}, {literal(exercise.version)} edition", ""]
    if not table:
        return "\n".join(out + ["No submission was graded.", ""])
    totals = [r.total for r in table]
    top = max(r.total_max for r in table)
    out.append(f"**{students} student{'s' if students != 1 else ''}**, "
               f"{len(tasks)} task{'s' if len(tasks) != 1 else ''}"
               f"; total score: mean {number(sum(totals) / students)}, median {number(statistics.median(totals))} "
               f"(max {top}).")
    overall = check_stats(results)
    errors = sum(stats.errors for stats in overall)
    if errors:
        out += ["", f"**{errors} check{'s' if errors != 1 else ''} ended in a harness error** (the machine or the "
                "grader failed, not the student): see junit.xml and regrade those submissions."]
    out += ["", "## Tasks", "", "| Task | Graded | Missing | Mean | Median | Max | Most failed checks |",
            "|---|---:|---:|---:|---:|---:|---|"]
    for task_id in tasks:
        stats = task_stats(table, task_id)
        maxima = {r.cell(task_id).max_score for r in table if r.cell(task_id).status == GRADED}
        most_failed = _most_failed_in(overall, task_id)
        failing = ", ".join(f"`{check}` {_percent(rate)}" for check, rate in most_failed) or "none"
        out.append(f"| {literal(task_title(exercise, task_id))} | {stats.graded} | {stats.missing} "
                   f"| {number(stats.mean)} "
                   f"| {number(stats.median)} | {'/'.join(map(str, sorted(maxima))) or '–'} | {failing} |")
    worst = [c for c in overall if c.failed][:MOST_FAILED]
    out += ["", "## Most failed checks", ""]
    if worst:
        out += ["Failure rate over the Dockerfiles handed in (missing tasks and skipped checks not counted).", "",
                "| Check | Failed | Rate | By task |", "|---|---:|---:|---|"]
        for c in worst:
            by_task = ", ".join(f"{task} {failed}/{judged}" for task, (failed, judged) in c.by_task.items() if failed)
            out.append(f"| `{c.id}` {literal(c.title)} | {c.failed}/{c.judged} | {_percent(c.rate)} | {by_task} |")
    else:
        out.append("No check failed.")
    out += ["", "## Students", "", f"<details><summary>Every student's total ({students})</summary>", "",
            "| Student | " + " | ".join(tasks) + " | Total |", "|---|" + "---:|" * (len(tasks) + 1)]
    for r in table:
        cells = [f"{c.score}/{c.max_score}" + ("" if c.status == GRADED else f" {c.status}") for c in r.cells]
        out.append(f"| {literal(r.id)} | " + " | ".join(cells) + f" | {r.total}/{r.total_max} |")
    out += ["", "</details>", ""]
    return clean("\n".join(out))


def append_to_github_step_summary(text: str, environ: Mapping[str, str] | None = None) -> Path | None:
    """Append `text` to the file $GITHUB_STEP_SUMMARY names (GitHub Actions); do nothing when it is not set."""
    target = (os.environ if environ is None else environ).get("GITHUB_STEP_SUMMARY")
    if not target:
        return None
    with open(target, "a", encoding="utf-8") as handle:
        handle.write(text if text.endswith("\n") else text + "\n")
    return Path(target)


def _percent(rate: float) -> str:
    return f"{rate * 100:.0f}%"


def _most_failed_in(overall: list[CheckStats], task_id: str) -> list[tuple[str, float]]:
    """The task's most failed checks with their failure rate in that task, from the class-wide statistics."""
    counts = [(c.id, c.by_task[task_id][0], c.by_task[task_id][1]) for c in overall
              if c.by_task.get(task_id, (0, 0))[0]]
    ranked = sorted(counts, key=lambda item: (-item[1] / item[2], -item[1], item[0]))
    return [(check, failed / judged) for check, failed, judged in ranked[:MOST_FAILED_PER_TASK]]
