"""Write a run's reports into its folder, every file atomically (a temporary file in the same folder, then
os.replace): a reader never sees half a report, and a crash leaves the previous version whole.

The formats and their files are those of the registry, graders/report/formats.py.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from ..exercise import Exercise
from ..files import write_atomically
from ..results import SubmissionResult
from . import summary
from .common import exercise_or_default
from .formats import BY_NAME, DEFAULT_FORMATS, FORMATS


def write_reports(results: list[SubmissionResult], run_dir: Path, *, formats: Iterable[str] = DEFAULT_FORMATS,
                  exercise: Exercise | None = None, step_summary: bool = False) -> list[Path]:
    """Write the reports of `formats` (names of the registry) into run_dir; return the paths written, in the
    registry's order.

    `exercise` gives task titles and full maxima (the default exercise when None); with `step_summary`, summary.md is
    also appended to $GITHUB_STEP_SUMMARY when that is set (GitHub Actions)."""
    wanted = set(formats)
    unknown = wanted - BY_NAME.keys()
    if unknown:
        raise ValueError(f"unknown report format(s) {', '.join(sorted(unknown))}; known: {', '.join(sorted(BY_NAME))}")
    exercise = exercise_or_default(exercise)
    run_dir = Path(run_dir)
    files: dict[str, str] = {}
    for report in FORMATS:
        if report.name in wanted:
            files.update(report.render(results, exercise))
    written = []
    for relative, text in files.items():
        path = run_dir / relative
        write_atomically(path, text)
        written.append(path)
    if step_summary and summary.FILE in files:
        summary.append_to_github_step_summary(files[summary.FILE])
    return written
