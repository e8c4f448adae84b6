"""feedback/<student>.md: what a student wants to read — per task the score, each failed check with its line,
message, hint and the lines of the Dockerfile around it; missing tasks named; skipped checks and advisories
as short lists.

Messages are the harness's Markdown (`code` spans quote the student's text); outside code spans, characters that
could open HTML or a link are backslash-escaped, and code blocks are fenced longer than any backtick run inside.
"""

from __future__ import annotations

import re

from ..core import Status
from ..exercise import Exercise
from ..results import CheckResult, SubmissionResult
from .common import (
    ABSENT,
    MISSING,
    clean,
    exercise_or_default,
    failed_checks,
    row,
    skipped_by_reason,
    task_ids,
    task_title,
)

CONTEXT_LINES = 2
_CODE_SPAN = re.compile(r"(`+)(.+?)\1", re.S)
_ESCAPED = re.compile(r"([\\<>\[\]*|~])")  # what could open HTML, a link, emphasis or a table cell
_LITERAL = re.compile(r"([\\`*_<>\[\]|~&])")


def render(submission: SubmissionResult, exercise: Exercise | None = None, tasks: list[str] | None = None) -> str:
    exercise = exercise_or_default(exercise)
    r = row(submission, tasks if tasks is not None else task_ids([submission], exercise), exercise)
    out = [f"# Feedback: {literal(r.id)}", "", f"{literal(exercise.title)}, {literal(exercise.version)} edition",
           "", f"**Total: {r.total}/{r.total_max}**", ""]
    out += ["| Task | Score |", "|---|---|"]
    for cell in r.cells:
        note = "" if cell.status == "graded" else f" ({cell.status if cell.status == MISSING else 'not graded'})"
        out.append(f"| {literal(task_title(exercise, cell.task))} | {cell.score}/{cell.max_score}{note} |")
    for cell in r.cells:
        out += ["", f"## {literal(task_title(exercise, cell.task))}: {cell.score}/{cell.max_score}", ""]
        task = cell.result
        if cell.status == ABSENT or task is None:  # an absent task has no result
            out.append("Not graded in this run: ask your instructor.")
            continue
        if cell.status == MISSING:
            reason = task.checks[0].message if task.checks else "no Dockerfile for this task"
            out.append(f"Missing: {prose(reason.removeprefix('missing: '))}. This task scores 0.")
            continue
        problems = failed_checks(task)
        passed = sum(check.status is Status.PASSED for check in task.checks)
        out.append(f"`{task.dockerfile}`: {passed} checks passed, "
                   f"{sum(c.status is Status.FAILED for c in problems)} failed.")
        for check in problems:
            out += ["", *_check(check, task.source)]
        skipped = skipped_by_reason(task)
        if skipped:
            out += ["", "Not graded here:"]
            out += [f"- {', '.join(f'`{i}`' for i in ids)}: {prose(reason)}" for reason, ids in skipped.items()]
        if task.advisories:
            out += ["", "Advisories (no points):"]
            out += [f"- {advisory.tool} `{advisory.code}`" + (f" line {advisory.line}" if advisory.line else "")
                    + f": {prose(advisory.message)}" for advisory in task.advisories]
    return clean("\n".join(out)) + "\n"


def _check(check: CheckResult, source: str | None) -> list[str]:
    where = f" (line {check.line})" if check.line else ""
    mark = "✗" if check.status is Status.FAILED else "⚠ harness error in"
    lines = [f"### {mark} `{check.id}`{where}: {literal(check.title or check.id)}", ""]
    first, _, rest = check.message.partition("\n")
    lines.append(prose(first))
    if rest.strip():
        lines += ["", *fenced(rest.rstrip("\n"))]
    if check.status is Status.ERROR:
        lines += ["", "The grader itself failed here, not your Dockerfile: ask for a regrade."]
    elif check.hint:
        lines += ["", f"**Hint:** {prose(check.hint)}"]
    excerpt = excerpt_lines(source, check.line)
    if excerpt:
        lines += ["", *fenced("\n".join(excerpt), "dockerfile")]
    return lines


def excerpt_lines(source: str | None, line: int | None, context: int = CONTEXT_LINES) -> list[str]:
    """The lines around `line`, numbered, the line itself marked with `>`."""
    if not source or not line:
        return []
    lines = source.splitlines()
    if not 1 <= line <= len(lines):
        return []
    first, last = max(1, line - context), min(len(lines), line + context)
    width = len(str(last))
    return [f"{'>' if number == line else ' '} {number:>{width}} | {lines[number - 1]}"
            for number in range(first, last + 1)]


def fenced(text: str, language: str = "") -> list[str]:
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * max(3, longest + 1)
    return [fence + language, text, fence]


def prose(text: str) -> str:
    """The harness's Markdown on one line: code spans kept, HTML and link syntax outside them escaped."""
    text = " ".join(text.split("\n"))
    parts, end = [], 0
    for match in _CODE_SPAN.finditer(text):
        parts.append(_ESCAPED.sub(r"\\\1", text[end:match.start()]))
        parts.append(match.group(0))
        end = match.end()
    parts.append(_ESCAPED.sub(r"\\\1", text[end:]))
    return "".join(parts)


def literal(text: str) -> str:
    """Any text (a student id, a title) shown as itself, on one line, never at a line's start: every character
    with a meaning in Markdown inside a line is backslash-escaped."""
    return _LITERAL.sub(r"\\\1", " ".join(text.splitlines()))
