"""The class dashboard: index.html and students/<slug>.html, self-contained (inline CSS, charts as inline SVG made
here, no script, no external request: a Content-Security-Policy forbids both).

index.html shows the score distribution per task, the failure rate per check (which rules the class struggles
with), the image size per task per student (the fat-to-slim shrink) and a table of students linking to a page
each; a student's page shows each failed check's message and hint next to the Dockerfile, failing lines
highlighted. Every piece of student text (ids, Dockerfiles, messages quoting them) is HTML-escaped.
"""

from __future__ import annotations

import functools
import re
import statistics
from html import escape
from pathlib import Path

from ..core import Status
from ..exercise import Exercise
from ..results import CheckResult, ImageInfo, SubmissionResult, TaskResult
from .common import (
    ABSENT,
    GRADED,
    MISSING,
    Cell,
    CheckStats,
    Row,
    check_stats,
    clean,
    exercise_or_default,
    failed_checks,
    human_size,
    number,
    previous_task,
    row,
    rows,
    skipped_by_reason,
    slugs,
    task_ids,
    task_stats,
    task_title,
)

STYLE = Path(__file__).with_name("dashboard") / "style.css"
STUDENTS = "students"
BINS = 10
_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'"
_CODE_SPAN = re.compile(r"(`+)(.+?)\1", re.S)


def render(results: list[SubmissionResult], exercise: Exercise | None = None) -> dict[str, str]:
    """Every page of the dashboard: relative path -> HTML."""
    exercise = exercise_or_default(exercise)
    names = slugs([submission.id for submission in results])
    tasks, table = rows(results, exercise)
    pages = {"index.html": render_index(results, exercise, names)}
    for r in table:
        pages[f"{STUDENTS}/{names[r.id]}.html"] = _student_page(r, exercise)
    return pages


def render_index(results: list[SubmissionResult], exercise: Exercise | None = None,
                 names: dict[str, str] | None = None) -> str:
    exercise = exercise_or_default(exercise)
    names = names or slugs([submission.id for submission in results])
    tasks, table = rows(results, exercise)
    all_checks = check_stats(results)
    body = ["<header>", "<h1>Class dashboard</h1>",
            f'<p class="sub">{escape(exercise.title)} ({escape(exercise.version)}) · '
            f'{len(tasks)} task{_s(len(tasks))}: '
            + ", ".join(escape(t) for t in tasks) + "</p>", "</header>"]
    body.append(_cards(table, all_checks))
    body.append('<section class="panel" id="scores"><h2>Score distribution per task</h2>')
    if table:
        body.append('<div class="histograms">' + "".join(_histogram(table, t, exercise) for t in tasks) + "</div>")
    else:
        body.append('<p class="muted">No submission was graded.</p>')
    body.append("</section>")
    body.append(_failure_chart(all_checks))
    body.append(_sizes(table, tasks, exercise, names))
    body.append(_students(table, tasks, names))
    body.append('<footer>Made by <code>python -m graders</code> from the same results as results.json, '
                "grades.csv and summary.md.</footer>")
    return _page("Class dashboard", "\n".join(body))


def render_student(submission: SubmissionResult, exercise: Exercise | None = None,
                   tasks: list[str] | None = None) -> str:
    exercise = exercise_or_default(exercise)
    return _student_page(row(submission, tasks if tasks is not None else task_ids([submission], exercise), exercise),
                         exercise)


# --- index.html ---

def _cards(table: list[Row], all_checks: list[CheckStats]) -> str:
    students = len(table)
    totals = [r.total for r in table]
    top = max((r.total_max for r in table), default=0)
    missing = sum(cell.status != GRADED for r in table for cell in r.cells)
    errors = sum(c.errors for c in all_checks)
    cards = [
        (f'<span class="big" id="class-size">{students:d}</span>', f"student{_s(students)}", ""),
        (f'<span class="big">{number(statistics.fmean(totals)) if totals else "–"}</span>',
         f"mean total (max {top})", ""),
        (f'<span class="big">{number(statistics.median(totals)) if totals else "–"}</span>', "median total", ""),
        (f'<span class="big">{missing}</span>', f"task{_s(missing)} not handed in", ""),
    ]
    if errors:
        cards.append((f'<span class="big">{errors}</span>', f"harness error{_s(errors)}: regrade", " bad"))
    return '<section class="cards">' + "".join(
        f'<div class="card{extra}">{big}<div class="muted">{escape(label)}</div></div>' for big, label, extra in cards
    ) + "</section>"


def _histogram(table: list[Row], task_id: str, exercise: Exercise) -> str:
    stats = task_stats(table, task_id)
    counts = [0] * BINS
    for fraction in stats.fractions:
        counts[min(BINS - 1, int(fraction * BINS))] += 1
    bars = counts + [stats.missing]
    width, height, top, bottom, left = 260, 130, 16, 22, 4
    right = 4
    slot = (width - left - right) / len(bars)
    tallest = max(bars) or 1
    parts = [f'<svg viewBox="0 0 {width} {height}" role="img" aria-label="score distribution of {escape(task_id)}">']
    for index, count in enumerate(bars):
        is_missing = index == BINS
        bar_height = (height - top - bottom) * count / tallest
        x = left + index * slot + (6 if is_missing else 1)
        y = height - bottom - bar_height
        label = ("missing" if is_missing else f"{index * 10}–{index * 10 + 9 if index < BINS - 1 else 100}%")
        parts.append(f'<rect class="bin{" missing" if is_missing else ""}" x="{x:.1f}" y="{y:.1f}" '
                     f'width="{slot - 3:.1f}" height="{bar_height:.1f}"><title>{label}: {count} '
                     f'student{_s(count)}</title></rect>')
        if count:
            parts.append(f'<text class="count" x="{x + (slot - 3) / 2:.1f}" y="{y - 3:.1f}" '
                         f'text-anchor="middle">{count}</text>')
    baseline = height - bottom + 13
    parts.append(f'<line x1="{left}" x2="{left + BINS * slot}" y1="{height - bottom + .5}" '
                 f'y2="{height - bottom + .5}" stroke="#9aa4af"/>')
    parts.append(f'<text class="axis" x="{left}" y="{baseline}">0%</text>')
    parts.append(f'<text class="axis" x="{left + BINS * slot / 2:.1f}" y="{baseline}" text-anchor="middle">50%</text>')
    parts.append(f'<text class="axis" x="{left + BINS * slot:.1f}" y="{baseline}" text-anchor="end">100%</text>')
    parts.append("</svg>")
    maxima = sorted({r.cell(task_id).max_score for r in table if r.cell(task_id).status == GRADED})
    out_of = "–" if not maxima else str(maxima[0]) if len(maxima) == 1 else f"{maxima[0]}–{maxima[-1]}"
    caption = (f"{stats.graded} graded, {stats.missing} missing (grey) · mean {number(stats.mean)}, "
               f"median {number(stats.median)} (max {out_of})")
    return (f'<figure class="task" data-task="{escape(task_id)}"><h3>{escape(task_id)}</h3>'
            f'<p class="title">{escape(task_title(exercise, task_id))}</p>{"".join(parts)}'
            f"<figcaption>{caption}</figcaption></figure>")


def _failure_chart(all_checks: list[CheckStats]) -> str:
    failing = [c for c in all_checks if c.failed]
    clean_checks = [c for c in all_checks if c.judged and not c.failed]
    head = ('<section class="panel" id="checks"><h2>Which checks the class struggles with</h2>'
            '<p class="muted">Failure rate per check over the Dockerfiles handed in (a check shared by several tasks '
            "counts each task); missing tasks and skipped checks are not counted.</p>")
    if not failing:
        return head + '<p class="allpassed">No check failed.</p></section>'
    row_height, label_width, bar_width, width = 26, 230, 560, 900
    height = row_height * len(failing) + 8
    parts = [f'<svg viewBox="0 0 {width} {height}" role="img" aria-label="failure rate per check">']
    for index, c in enumerate(failing):
        y = 4 + index * row_height
        length = bar_width * c.rate
        by_task = ", ".join(f"{task} {failed}/{judged}" for task, (failed, judged) in c.by_task.items())
        tip = escape(f"{c.id}: {c.title} — failed {c.failed} of {c.judged} ({by_task})")
        parts.append(f'<g class="check" data-check="{escape(c.id)}" data-rate="{c.rate:.4f}"><title>{tip}</title>')
        parts.append(f'<text class="label" x="{label_width - 10}" y="{y + 17}" text-anchor="end">{escape(c.id)}</text>')
        parts.append(f'<rect class="track" x="{label_width}" y="{y + 3}" width="{bar_width}" '
                     f'height="{row_height - 8}" rx="3"/>')
        parts.append(f'<rect class="bar{" top" if index == 0 else ""}" x="{label_width}" y="{y + 3}" '
                     f'width="{max(length, 2):.1f}" height="{row_height - 8}" rx="3"/>')
        parts.append(f'<text class="value" x="{label_width + bar_width + 10}" y="{y + 17}">'
                     f"{c.rate * 100:.0f}% · {c.failed}/{c.judged}</text></g>")
    parts.append("</svg>")
    tail = ""
    if clean_checks:
        tail = ('<p class="muted">Passed by every Dockerfile: '
                + ", ".join(f"<code>{escape(c.id)}</code>" for c in clean_checks) + ".</p>")
    return head + "".join(parts) + tail + "</section>"


def _sizes(table: list[Row], tasks: list[str], exercise: Exercise, names: dict[str, str]) -> str:
    head = ('<section class="panel" id="sizes"><h2>Image size per task</h2>'
            '<p class="muted">The fat-to-slim shrink the exercise is about: each task\'s image, and how much smaller '
            "it is than the previous task's image.</p>")
    images = {(r.id, t): image for r in table for t in tasks
              if (result := r.cell(t).result) is not None and (image := result.image) is not None}
    if not images:
        return head + '<p class="notbuilt">No image was built in this run (a static-only run?).</p></section>'
    largest = max(image.size_bytes for image in images.values()) or 1
    lines = ["<table class=\"sizes\"><thead><tr><th>Student</th>"
             + "".join(f'<th class="num">{escape(t)}</th>' for t in tasks) + "</tr></thead><tbody>"]
    for r in table:
        cells = []
        for t in tasks:
            before = previous_task(exercise, t)
            previous = images.get((r.id, before)) if before is not None else None
            cell = _size_cell(images.get((r.id, t)), previous, before, largest, r.cell(t))
            cells.append(f'<td class="num size">{cell}</td>')
        lines.append(f'<tr><td class="id"><a href="{STUDENTS}/{names[r.id]}.html">{_text(r.id)}</a></td>'
                     + "".join(cells) + "</tr>")
    medians = []
    for t in tasks:
        sizes = [images[(r.id, t)].size_bytes for r in table if (r.id, t) in images]
        medians.append(f'<td class="num">{human_size(int(statistics.median(sizes))) if sizes else "–"}</td>')
    lines.append('</tbody><tfoot><tr><th>median</th>' + "".join(medians) + "</tr></tfoot></table>")
    return head + "".join(lines) + "</section>"


def _size_cell(image: ImageInfo | None, previous: ImageInfo | None, previous_id: str | None, largest: int,
               cell: Cell) -> str:
    if image is None:
        return f'<span class="notbuilt">{"missing" if cell.status == MISSING else "not built"}</span>'
    text = escape(human_size(image.size_bytes))
    if image.standin_base:
        text += (f'<abbr class="standin" title="built on an offline stand-in for {_text(image.standin_base)}: '
                 'its size is not the real base image\'s">stand-in</abbr>')
    bar = f'<span class="sizebar" style="width:{max(2.0, 100 * image.size_bytes / largest):.1f}%"></span>'
    shrink = ""
    if previous is not None and previous.size_bytes:
        change = (image.size_bytes - previous.size_bytes) / previous.size_bytes
        shrink = (f'<span class="shrink{" grew" if change >= 0 else ""}">{"+" if change >= 0 else "−"}'
                  f"{abs(change) * 100:.0f}% vs {escape(previous_id or '')}</span>")
    return text + bar + shrink


def _students(table: list[Row], tasks: list[str], names: dict[str, str]) -> str:
    lines = ['<section class="panel" id="students"><h2>Students</h2>',
             "<table><thead><tr><th>Student</th>" + "".join(f'<th class="num">{escape(t)}</th>' for t in tasks)
             + '<th class="num">Total</th><th class="num">Failed checks</th></tr></thead><tbody>']
    for r in table:
        failed = sum(len(failed_checks(c.result)) for c in r.cells if c.status == GRADED and c.result is not None)
        cells = "".join(f'<td class="num" data-task="{escape(c.task)}">{_score(c)}</td>' for c in r.cells)
        lines.append(f'<tr data-student="{_text(r.id)}"><td class="id"><a href="{STUDENTS}/{names[r.id]}.html">'
                     f"{_text(r.id)}</a></td>{cells}"
                     f'<td class="num total" data-score="{r.total}" data-max="{r.total_max}">'
                     f"<strong>{r.total}/{r.total_max}</strong></td><td class=\"num\">{failed}</td></tr>")
    lines.append("</tbody></table></section>")
    return "".join(lines)


def _score(cell: Cell) -> str:
    if cell.status == MISSING:
        return f'<span class="missing" title="no Dockerfile for this task">missing</span> 0/{cell.max_score}'
    if cell.status == ABSENT:
        return f'<span class="absent" title="not graded in this run">not graded</span> 0/{cell.max_score}'
    fraction = cell.score / cell.max_score if cell.max_score else 1.0
    bucket = min(4, int(fraction * 5))
    return f'<span class="score s{bucket}">{cell.score}/{cell.max_score}</span>'


# --- students/<slug>.html ---

def _student_page(r: Row, exercise: Exercise) -> str:
    body = ['<nav class="crumbs"><a href="../index.html">← Class dashboard</a></nav>',
            f"<h1>{_text(r.id)}</h1>",
            f'<p class="sub">Total <strong>{r.total}/{r.total_max}</strong></p>',
            '<nav class="toc">' + "".join(
                f'<a href="#{_anchor(c.task)}">{escape(c.task)} {_score(c)}</a>' for c in r.cells) + "</nav>"]
    for cell in r.cells:
        body.append(_task_section(cell, exercise))
    return _page(f"{clean(r.id)} — grading", "\n".join(body), depth=1)


def _task_section(cell: Cell, exercise: Exercise) -> str:
    anchor = _anchor(cell.task)
    head = (f'<section class="panel task" id="{anchor}"><div class="task-head"><h2>{escape(cell.task)}: '
            f"{escape(task_title(exercise, cell.task))}</h2>{_score(cell)}</div>")
    task = cell.result
    if cell.status == ABSENT or task is None:  # an absent task has no result
        return head + '<p class="absent">Not graded in this run.</p></section>'
    if cell.status == MISSING:
        reason = task.checks[0].message if task.checks else "no Dockerfile for this task"
        return head + f'<p class="missing">{_prose(reason)}</p></section>'
    problems = failed_checks(task)
    meta = [f"<code>{_text(task.dockerfile or '')}</code>",
            f"{sum(c.status is Status.PASSED for c in task.checks)} passed, "
            f"{sum(c.status is Status.FAILED for c in task.checks)} failed"]
    meta.append(_image_meta(task.image))
    parts = [head, f'<p class="muted">{" · ".join(meta)}</p>', '<div class="split">',
             _source(task, anchor, problems), '<div class="findings">']
    if problems:
        parts += [_finding(check, anchor) for check in problems]
    else:
        parts.append('<p class="allpassed">Every check passed.</p>')
    parts.append("</div></div>")
    skipped = skipped_by_reason(task)
    if skipped:
        count = sum(map(len, skipped.values()))
        parts.append(f"<details><summary>Not graded here ({count})</summary><ul class=\"compact\">" + "".join(
            f"<li>{', '.join(f'<code>{escape(i)}</code>' for i in ids)}: {_prose(reason)}</li>"
            for reason, ids in skipped.items()) + "</ul></details>")
    if task.advisories:
        parts.append(f"<details><summary>Advisories, no points ({len(task.advisories)})</summary><ul class=\"compact\">"
                     + "".join(f"<li>{_text(a.tool)} <code>{_text(a.code)}</code>"
                               + (f' <a href="#{anchor}-L{a.line}">line {a.line}</a>' if a.line else "")
                               + f": {_prose(a.message)}</li>" for a in task.advisories) + "</ul></details>")
    parts.append("</section>")
    return "".join(parts)


def _image_meta(image: ImageInfo | None) -> str:
    if image is None:
        return '<span class="notbuilt">image not built</span>'
    text = f"image {escape(human_size(image.size_bytes))}, {image.layers} layers"
    if image.standin_base:
        text += f' <span class="standin">built on an offline stand-in for {_text(image.standin_base)}</span>'
    return text


def _source(task: TaskResult, anchor: str, problems: list[CheckResult]) -> str:
    if not task.source:
        return '<div class="source muted" style="padding:8px 12px">The Dockerfile\'s text is not in the results.</div>'
    flagged: dict[int, list[str]] = {}
    for check in problems:
        if check.line:
            flagged.setdefault(check.line, []).append(check.id)
    lines = []
    for number_, text in enumerate(task.source.splitlines() or [""], start=1):
        ids = flagged.get(number_)
        attrs = f' class="line hl" title="{escape(", ".join(ids))}"' if ids else ' class="line"'
        lines.append(f'<span{attrs} id="{anchor}-L{number_}"><span class="ln"><a href="#{anchor}-L{number_}">'
                     f"{number_}</a></span><span>{_text(text) or ' '}</span></span>")
    return f'<pre class="source" aria-label="{_text(task.dockerfile or "Dockerfile")}">' + "".join(lines) + "</pre>"


def _finding(check: CheckResult, anchor: str) -> str:
    error = check.status is Status.ERROR
    where = f'<a href="#{anchor}-L{check.line}">line {check.line}</a>' if check.line else ""
    first, _, rest = check.message.partition("\n")
    parts = [f'<article class="finding{" error" if error else ""}" id="{anchor}-{_anchor(check.id)}" '
             f'data-check="{escape(check.id)}"><h3><code>{escape(check.id)}</code>'
             f'<span class="title">{escape(check.title)}</span>{where}</h3>',
             f"<p>{_prose(first)}</p>"]
    if rest.strip():
        parts.append(f'<pre class="log">{_text(rest.strip(chr(10)))}</pre>')
    if error:
        parts.append('<p class="hint">The grader itself failed on this check, not the Dockerfile: regrade it.</p>')
    elif check.hint:
        parts.append(f'<p class="hint"><strong>Hint:</strong> {_prose(check.hint)}</p>')
    parts.append("</article>")
    return "".join(parts)


# --- shared ---

def _page(title: str, body: str, depth: int = 0) -> str:
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            f'<meta http-equiv="Content-Security-Policy" content="{_CSP}">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{_text(title)}</title><style>{_style()}</style></head>"
            f"<body><main>\n{body}\n</main></body></html>\n")


@functools.cache
def _style() -> str:
    return STYLE.read_text(encoding="utf-8")


def _text(text: str) -> str:
    return escape(clean(text), quote=True)


def _prose(text: str) -> str:
    """The harness's messages: escaped, their `code` spans shown as code."""
    return _CODE_SPAN.sub(lambda m: f"<code>{m.group(2)}</code>", _text(" ".join(text.split("\n"))))


def _anchor(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]+", "-", text) or "task"


def _s(count: int) -> str:
    return "" if count == 1 else "s"
