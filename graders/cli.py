"""`python -m graders`: a thin command line over the library (shared/interface.md)."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import click

from .grading import GradingOptions, grade
from .report import text
from .results import results_document
from .rubric import RubricError, load_rubric
from .submission import discover


@click.group()
def main() -> None:
    """Grade Dockerfile submissions of the Docker fundamentals exercise."""


@main.command(name="grade")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--task", "tasks", multiple=True, metavar="TASK", help="Grade only this task (repeatable).")
@click.option("--static-only", is_flag=True, help="Only read the Dockerfiles; no Docker engine needed.")
@click.option("--no-advisories", is_flag=True, help="Do not run hadolint or dive.")
@click.option("--json", "json_path", type=click.Path(dir_okay=False, path_type=Path), help="Write the results here.")
@click.option("--registry", metavar="HOST/PROJECT/REPOSITORY", help="Check that each image was pushed there.")
@click.option("--build-timeout", type=float, default=900.0, show_default=True, help="Seconds for one build.")
@click.option("--run-timeout", type=float, default=60.0, show_default=True, help="Seconds for one container's probe.")
@click.option("--rubric", "rubric_path", type=click.Path(exists=True, dir_okay=False, path_type=Path), hidden=True)
def grade_command(paths, tasks, static_only, no_advisories, json_path, registry, build_timeout, run_timeout,
                  rubric_path) -> None:
    """Grade PATH: a submission folder, or a folder of submission folders."""
    try:
        rubric = load_rubric(rubric_path) if rubric_path else load_rubric()
        selected = rubric.select(list(tasks))
    except RubricError as problem:
        raise click.UsageError(str(problem)) from None
    submissions = discover(list(paths), rubric.dockerfile_names)
    if not submissions:
        raise click.UsageError(f"no submission found in {', '.join(map(str, paths))}: a submission folder holds "
                               "dockerfile-task-* files, a class folder holds submission folders")
    options = GradingOptions(static_only=static_only, linter=None if no_advisories else _hadolint())
    results = grade(submissions, selected, options)
    click.echo(text.render(results, color=sys.stdout.isatty() and "NO_COLOR" not in os.environ))
    if json_path:
        json_path.write_text(json.dumps(results_document(results), indent=2) + "\n", encoding="utf-8")


def _hadolint():
    from .advisories import hadolint

    return hadolint.lint
