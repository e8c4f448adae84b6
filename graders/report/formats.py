"""Every report format, in one registry: `write_reports` writes the ones asked for, in this order, and `--format`
offers the ones a run does not write unasked.

A format is a name, whether every run writes it, and `render`: its files (path relative to the run folder -> text)
from a run's results. All are made from the same results, so their totals agree.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass

from ..exercise import Exercise
from ..results import SubmissionResult, results_document
from . import dashboard, feedback, gradebook, gradescope, junit, summary
from .common import run_description, slugs, task_ids

Render = Callable[[list[SubmissionResult], Exercise], dict[str, str]]


@dataclass(frozen=True)
class ReportFormat:
    name: str
    default: bool  # written by every run; else only on `--format NAME`
    render: Render


def _results_json(results: list[SubmissionResult], exercise: Exercise) -> dict[str, str]:
    return {"results.json": json.dumps(results_document(results, run_description(exercise)), ensure_ascii=False) + "\n"}


def _per_student(folder: str, suffix: str,
                 render_one: Callable[[SubmissionResult, Exercise, list[str]], str]) -> Render:
    """One file per student in `folder`, named by the student's slug; every file lists the run's tasks."""
    def render(results: list[SubmissionResult], exercise: Exercise) -> dict[str, str]:
        tasks = task_ids(results, exercise)
        names = slugs([submission.id for submission in results])
        return {f"{folder}/{names[submission.id]}{suffix}": render_one(submission, exercise, tasks)
                for submission in results}

    return render


FORMATS: tuple[ReportFormat, ...] = (
    ReportFormat("json", True, _results_json),
    ReportFormat("junit", True, lambda results, exercise: {"junit.xml": junit.render(results)}),
    ReportFormat("csv", True, lambda results, exercise: {"grades.csv": gradebook.render(results, exercise)}),
    ReportFormat("summary", True, lambda results, exercise: {summary.FILE: summary.render(results, exercise)}),
    ReportFormat("dashboard", True, dashboard.render),  # index.html and students/<student>.html
    ReportFormat("feedback", True, _per_student("feedback", ".md", feedback.render)),
    ReportFormat("gradescope", False, _per_student("gradescope", ".json", gradescope.render)),
)
BY_NAME: dict[str, ReportFormat] = {report.name: report for report in FORMATS}
DEFAULT_FORMATS = frozenset(report.name for report in FORMATS if report.default)
OPTIONAL_FORMATS = tuple(report.name for report in FORMATS if not report.default)
