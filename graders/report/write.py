"""Write a run's reports into its folder, every file atomically (a temporary file in the same folder, then
os.replace): a reader never sees half a report, and a crash leaves the previous version whole.

Formats (names for `formats`): json (results.json), junit (junit.xml), csv (grades.csv), feedback
(feedback/<student>.md), summary (summary.md), dashboard (index.html and students/<student>.html), and on request
gradescope (gradescope/<student>.json). All are made from the same results, so their totals agree.
"""

from __future__ import annotations

import json
from pathlib import Path

from ..exercise import Exercise
from ..files import write_atomically
from ..results import SubmissionResult, results_document
from . import dashboard, feedback, gradebook, gradescope, junit, summary
from .common import exercise_or_default, run_description, slugs, task_ids

DEFAULT_FORMATS = frozenset({"json", "junit", "csv", "feedback", "summary", "dashboard"})
ALL_FORMATS = DEFAULT_FORMATS | {"gradescope"}


def write_reports(results: list[SubmissionResult], run_dir: Path, *, formats: set[str] | frozenset[str] = DEFAULT_FORMATS,
                  exercise: Exercise | None = None, step_summary: bool = False) -> list[Path]:
    """Write the reports of `formats` into run_dir; return the paths written, top-level files first.

    `exercise` gives task titles and full maxima (the default exercise when None); with `step_summary`, summary.md is
    also appended to $GITHUB_STEP_SUMMARY when that is set (GitHub Actions)."""
    unknown = set(formats) - ALL_FORMATS
    if unknown:
        raise ValueError(f"unknown report format(s) {', '.join(sorted(unknown))}; known: {', '.join(sorted(ALL_FORMATS))}")
    exercise = exercise_or_default(exercise)
    run_dir = Path(run_dir)
    tasks = task_ids(results, exercise)
    names = slugs([submission.id for submission in results])
    files: dict[str, str] = {}
    if "json" in formats:
        files["results.json"] = json.dumps(results_document(results, run_description(exercise)), ensure_ascii=False) + "\n"
    if "junit" in formats:
        files["junit.xml"] = junit.render(results)
    if "csv" in formats:
        files["grades.csv"] = gradebook.render(results, exercise)
    if "summary" in formats:
        files["summary.md"] = summary.render(results, exercise)
    if "dashboard" in formats:
        files.update(dashboard.render(results, exercise))
    if "feedback" in formats:
        for submission in results:
            files[f"feedback/{names[submission.id]}.md"] = feedback.render(submission, exercise, tasks)
    if "gradescope" in formats:
        for submission in results:
            files[f"gradescope/{names[submission.id]}.json"] = gradescope.render(submission, exercise, tasks)
    written = []
    for relative, text in files.items():
        path = run_dir / relative
        write_atomically(path, text)
        written.append(path)
    if step_summary and "summary.md" in files:
        summary.append_to_github_step_summary(files["summary.md"])
    return written
