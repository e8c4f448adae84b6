"""The terminal summary: one line per task, then each failed check with its line, message and hint."""

from __future__ import annotations

import click

from ..core import Status
from ..results import SubmissionResult, TaskResult
from .common import printable

MAX_MESSAGE_LINES = 12
_MARKS = {Status.PASSED: ("✓", "green"), Status.FAILED: ("✗", "red"), Status.SKIPPED: ("-", "yellow"),
          Status.ERROR: ("!", "magenta")}


def render(submissions: list[SubmissionResult], color: bool = False) -> str:
    def style(text: str, *, fg: str | None = None, bold: bool | None = None, dim: bool | None = None) -> str:
        return click.style(text, fg=fg, bold=bold, dim=dim) if color else text

    lines: list[str] = []
    for submission in submissions:
        name = printable(submission.id, one_line=True)
        lines.append(style(f"{name}  {submission.score}/{submission.max_score}", bold=True))
        for task in submission.tasks:
            lines.append(f"  {task.task:<8} {_task_summary(task)}")
            if task.status == "missing":
                continue
            for check in task.checks:
                if check.status in (Status.PASSED, Status.SKIPPED):
                    continue
                mark, colour = _MARKS[check.status]
                where = f"line {check.line}: " if check.line and f"line {check.line}" not in check.message else ""
                lines.append(f"    {style(mark, fg=colour)} {check.id}: {where}{_shortened(printable(check.message))}")
                if check.status is Status.FAILED and check.hint:
                    lines.append(style(f"        hint: {check.hint}", dim=True))
            for advisory in task.advisories:
                where = f" line {advisory.line}" if advisory.line is not None else ""
                lines.append(style(f"    · {advisory.tool} {advisory.code}{where}: {printable(advisory.message)}",
                                   dim=True))
    return "\n".join(lines)


def _shortened(message: str) -> str:
    """A terminal shows the start of a long message (a build log); the reports hold all of it."""
    lines = message.splitlines()
    if len(lines) <= MAX_MESSAGE_LINES:
        return message
    more = f"      ... {len(lines) - MAX_MESSAGE_LINES} more lines in the reports"
    return "\n".join([*lines[:MAX_MESSAGE_LINES], more])


def _task_summary(task: TaskResult) -> str:
    if task.status == "missing":
        return f"missing (0/{task.max_score})"
    counts = {status: sum(check.status is status for check in task.checks) for status in Status}
    parts = [f"{task.score}/{task.max_score}", f"{counts[Status.PASSED]} passed", f"{counts[Status.FAILED]} failed"]
    if counts[Status.SKIPPED]:
        parts.append(f"{counts[Status.SKIPPED]} skipped")
    if counts[Status.ERROR]:
        parts.append(f"{counts[Status.ERROR]} error")
    if task.image and task.image.standin_base:
        parts.append(f"built on an offline stand-in for {task.image.standin_base}")
    return ", ".join(parts)
