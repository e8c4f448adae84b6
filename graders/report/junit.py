"""junit.xml: one testsuite per submission × task, one testcase per check, so that any CI shows the grading.

classname `<student>.<task>`, name `<check id>`; a failed check is a <failure> (message, hint, line), a harness
error an <error>, a skipped check <skipped> with its reason. Student text is escaped by ElementTree; characters
XML 1.0 cannot hold at all (control characters, lone surrogates) become U+FFFD first.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from ..core import Status
from ..results import CheckResult, SubmissionResult, TaskResult
from .common import clean


def render(results: list[SubmissionResult]) -> str:
    root = ET.Element("testsuites", name="graders")
    totals = dict.fromkeys(("tests", "failures", "errors", "skipped"), 0)
    for submission in results:
        for task in submission.tasks:
            suite = _suite(submission.id, task)
            root.append(suite)
            for key in totals:
                totals[key] += int(suite.attrib[key])
    for key, value in totals.items():
        root.set(key, str(value))
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def _suite(student: str, task: TaskResult) -> ET.Element:
    name = clean(f"{student}.{task.task}")
    counts = {status: sum(check.status is status for check in task.checks) for status in Status}
    suite = ET.Element("testsuite", name=name, tests=str(len(task.checks)), failures=str(counts[Status.FAILED]),
                       errors=str(counts[Status.ERROR]), skipped=str(counts[Status.SKIPPED]))
    properties = ET.SubElement(suite, "properties")
    for key, value in (("status", task.status), ("dockerfile", task.dockerfile or ""), ("score", task.score),
                       ("max_score", task.max_score)):
        ET.SubElement(properties, "property", name=key, value=clean(str(value)))
    for check in task.checks:
        suite.append(_case(name, check))
    return suite


def _case(classname: str, check: CheckResult) -> ET.Element:
    case = ET.Element("testcase", classname=classname, name=clean(check.id))
    if check.status is Status.FAILED:
        outcome = ET.SubElement(case, "failure", message=clean(_headline(check)), type="failed")
        outcome.text = clean(_details(check))
    elif check.status is Status.ERROR:
        outcome = ET.SubElement(case, "error", message=clean(_headline(check)), type="harness-error")
        outcome.text = clean(_details(check))
    elif check.status is Status.SKIPPED:
        ET.SubElement(case, "skipped", message=clean(check.message))
    return case


def _headline(check: CheckResult) -> str:
    first = check.message.splitlines()[0] if check.message.strip() else check.status.value
    return f"line {check.line}: {first}" if check.line and f"line {check.line}" not in first else first


def _details(check: CheckResult) -> str:
    parts = [check.message]
    if check.hint and check.status is Status.FAILED:
        parts.append(f"hint: {check.hint}")
    if check.line:
        parts.append(f"line: {check.line}")
    return "\n".join(parts)
