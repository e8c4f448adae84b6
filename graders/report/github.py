"""GitHub Actions output: failed checks as annotations on the Dockerfile lines, scores in the step summary."""

from __future__ import annotations

from ..checks.base import Status
from ..results import CheckResult


def escape_data(text: str) -> str:
    """A workflow command's message, escaped as the runner unescapes it (actions/toolkit `escapeData`)."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """A workflow command's property value (`file=`, `title=`): `:` and `,` would end it early."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def annotations(task_id: str, dockerfile: str | None, checks: list[CheckResult]) -> list[str]:
    """`::error` for each failed check and `::warning` for each harness error, on the Dockerfile line when known.
    `dockerfile` is the file's path relative to the repository root, as GitHub shows it."""
    commands = []
    for check in checks:
        if check.status not in (Status.FAILED, Status.ERROR):
            continue
        level = "error" if check.status is Status.FAILED else "warning"
        properties = [f"file={escape_property(dockerfile)}"] if dockerfile else []
        if dockerfile and check.line:
            properties.append(f"line={check.line}")
        properties.append(f"title={escape_property(f'{task_id} {check.id}')}")
        message = check.message + (f"\nhint: {check.hint}" if check.hint and check.status is Status.FAILED else "")
        commands.append(f"::{level} {','.join(properties)}::{escape_data(message)}")
    return commands


def step_summary(scores: dict[str, tuple[int, int, int]]) -> str:
    """A Markdown table of each task's score: task -> (score, max score, failed checks)."""
    lines = ["### Docker exercise", "", "| Task | Score | Failed checks |", "|---|---:|---:|"]
    lines += [f"| {task} | {score}/{maximum} | {failed} |" for task, (score, maximum, failed) in scores.items()]
    return "\n".join(lines) + "\n"
