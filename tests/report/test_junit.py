"""junit.xml: one testcase per submission × task × check, valid XML whatever the students wrote."""

import xml.etree.ElementTree as ET

from graders.report import junit

from .classbuilder import HOSTILE, make_class, submission, task


def parse(text: str) -> ET.Element:
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>')
    return ET.fromstring(text.encode("utf-8"))


def test_one_testcase_per_submission_task_and_check():
    results = make_class()
    root = parse(junit.render(results))
    cases = root.findall("testsuite/testcase")
    assert len(cases) == sum(len(t.checks) for s in results for t in s.tasks)
    assert int(root.get("tests")) == len(cases)
    assert len(root.findall("testsuite")) == sum(len(s.tasks) for s in results)
    names = {(case.get("classname"), case.get("name")) for case in cases}
    assert ("bob.task1", "base-image") in names and ("bob.nonroot", "non-root-user") in names


def test_outcomes_exactly():
    result = submission("bob", task("task2", fail={"no-install-recommends": (5, "line 5: `apt-get install x` lacks it")},
                                    error={"builds": "Docker engine unreachable"}))
    root = parse(junit.render([result]))
    suite = root.find("testsuite")
    assert suite.get("name") == "bob.task2"
    failure = suite.find("testcase[@name='no-install-recommends']/failure")
    assert failure.get("message") == "line 5: `apt-get install x` lacks it"
    hint = result.tasks[0].checks[[c.id for c in result.tasks[0].checks].index("no-install-recommends")].hint
    assert failure.text == f"line 5: `apt-get install x` lacks it\nhint: {hint}\nline: 5"
    error = suite.find("testcase[@name='builds']/error")
    assert error.get("message") == "Docker engine unreachable"
    skipped = suite.find("testcase[@name='pushed']/skipped")
    assert skipped.get("message") == "no registry configured"
    assert list(suite.find("testcase[@name='base-image']")) == []  # passed: no child
    counts = {key: int(suite.get(key)) for key in ("tests", "failures", "errors", "skipped")}
    assert counts == {"tests": 24, "failures": 1, "errors": 1, "skipped": 7}
    properties = {p.get("name"): p.get("value") for p in suite.findall("properties/property")}
    assert properties["score"] == str(result.tasks[0].score) and properties["max_score"] == str(result.tasks[0].max_score)


def test_a_line_not_in_the_message_is_prefixed():
    root = parse(junit.render([submission("a", task("task1", fail={"cmd": (14, "CMD is shell form")}))]))
    assert root.find(".//testcase[@name='cmd']/failure").get("message") == "line 14: CMD is shell form"


def test_hostile_text_stays_valid_xml():
    nasty = "]]><x>&amp; \x00\x07\x1b 😀 \udcff </testcase> \"quoted\" 'single'"
    result = submission(HOSTILE + "\x01", task("task1", fail={"cmd": (2, nasty)}, error={"builds": nasty}))
    text = junit.render([result])
    root = parse(text)
    message = root.find(".//testcase[@name='cmd']/failure").get("message")
    assert message.startswith("line 2: ]]><x>&amp; \ufffd\ufffd\ufffd 😀 \ufffd </testcase>")
    assert root.find("testsuite").get("name") == HOSTILE + "\ufffd.task1"
    assert "<script>" not in text  # escaped, never markup
    text.encode("utf-8")  # no lone surrogate left
