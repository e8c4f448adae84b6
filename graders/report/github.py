"""GitHub Actions output of student mode: failed checks as annotations on the Dockerfile lines, each task's
score in the step summary.

Annotations are workflow commands printed on stdout (`::error file=dockerfile-task-2,line=15,title=task2::...`);
the runner turns them into marks on the file's line. It shows at most 10 error and 10 warning annotations per
step, so the step summary lists every failed check as well.
"""

import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path

from ..core import Status
from ..results import CheckResult, Score
from . import summary

# One task as student mode knows it: its id, its Dockerfile (None when the submission has none), its results.
TaskChecks = tuple[str, str | Path | None, Sequence[CheckResult]]


def escape_data(text: str) -> str:
    """A workflow command's message, escaped as the runner unescapes it (`%` first, so no escape is doubled)."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """A workflow command's property value (`file=`, `title=`): `:` and `,` would end it early."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def annotations(task_id: str, dockerfile: str | None, checks: Iterable[CheckResult]) -> list[str]:
    """`::error` for each failed check and `::warning` for each check the harness could not run (status error).

    `dockerfile` is the path relative to the repository root, as GitHub names files (see repo_path); without it
    the annotation is not tied to a file. The message is `<check id>: <message> — <hint>`; a harness error has no
    hint, since the student has nothing to fix."""
    commands = []
    for check in checks:
        if check.status is Status.FAILED:
            command, text = "error", check.message + (f" — {check.hint}" if check.hint else "")
        elif check.status is Status.ERROR:
            command, text = "warning", check.message
        else:
            continue
        properties = []
        if dockerfile:
            properties.append(f"file={escape_property(dockerfile)}")
            if check.line:
                properties.append(f"line={check.line}")
        properties.append(f"title={escape_property(task_id)}")
        commands.append(f"::{command} {','.join(properties)}::{escape_data(f'{check.id}: {text}')}")
    return commands


def step_summary(tasks: Iterable[TaskChecks]) -> str:
    """The Markdown score table for $GITHUB_STEP_SUMMARY: per task its Dockerfile, score and failed checks
    (with their lines); a total row when there are several tasks. A task without Dockerfile is `missing`."""
    lines = ["### Docker exercise: score", "", "| Task | Dockerfile | Score | Failed checks |", "|---|---|---:|---|"]
    listed = list(tasks)
    for task_id, dockerfile, checks in listed:
        score = Score.of(checks)
        if dockerfile:
            shown = f"`{Path(dockerfile).as_posix()}`"
            failed = ", ".join(_cell(check) for check in checks if check.status in (Status.FAILED, Status.ERROR))
        else:
            shown, failed = "missing", _missing_message(checks)
        lines.append(f"| {task_id} | {_text(shown)} | {score.points}/{score.max_points} | {_text(failed) or 'none'} |")
    if len(listed) > 1:
        total = Score.of(check for _, _, checks in listed for check in checks)
        lines.append(f"| **total** | | **{total.points}/{total.max_points}** | |")
    return "\n".join(lines) + "\n"


def missing_annotation(task_id: str, checks: Sequence[CheckResult]) -> str:
    """The one annotation of a task whose Dockerfile is missing (rather than one per check, all alike)."""
    failed = sum(check.status is Status.FAILED for check in checks)
    message = f"{_missing_message(checks)} ({failed} checks failed)"
    return f"::error title={escape_property(task_id)}::{escape_data(message)}"


def _missing_message(checks: Sequence[CheckResult]) -> str:
    return next((check.message for check in checks if check.status is Status.FAILED), "missing")


def _cell(check: CheckResult) -> str:
    notes = ([f"line {check.line}"] if check.line else []) + (["harness error"] if check.status is Status.ERROR else [])
    return f"`{check.id}`" + (f" ({', '.join(notes)})" if notes else "")


def _text(cell: str) -> str:
    """A Markdown table cell: one line, no column break."""
    return " ".join(cell.split()).replace("|", "\\|")


def repo_path(path: str | Path, root: str | Path) -> str | None:
    """`path` relative to the repository root `root`, with `/` (what an annotation's `file=` needs); None when
    the file lies outside the repository."""
    try:
        return Path(path).resolve().relative_to(Path(root).resolve()).as_posix()
    except ValueError:
        return None


def append_step_summary(text: str, environ: Mapping[str, str] | None = None) -> Path | None:
    """Append `text` to the file $GITHUB_STEP_SUMMARY names; nothing when it is not set. Returns that file."""
    return summary.append_to_github_step_summary(text, environ)


def publish(tasks: Iterable[TaskChecks], *, root: str | Path, write_line: Callable[[str], object],
            environ: Mapping[str, str] | None = None) -> None:
    """In GitHub Actions (GITHUB_ACTIONS=true): print each task's annotations with `write_line` and append the
    score table to the step summary. Dockerfile paths are made relative to $GITHUB_WORKSPACE (the checkout),
    else to `root`. Does nothing elsewhere."""
    environ = os.environ if environ is None else environ
    if environ.get("GITHUB_ACTIONS") != "true":
        return
    base = environ.get("GITHUB_WORKSPACE") or root
    rows = []
    for task_id, dockerfile, checks in tasks:
        relative = repo_path(dockerfile, base) if dockerfile else None
        for command in annotations(task_id, relative, checks) if dockerfile else [missing_annotation(task_id, checks)]:
            write_line(command)
        rows.append((task_id, relative or (Path(dockerfile).name if dockerfile else None), checks))
    if rows:
        append_step_summary(step_summary(rows), environ)
