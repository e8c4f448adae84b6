"""Gradescope's autograder results format, one document per submission."""

import json

from graders.report import gradescope

from .classbuilder import RUBRIC, make_class, submission, task

TEST_KEYS = {"name", "number", "score", "max_score", "status", "output", "tags", "visibility"}


def test_the_documented_shape_and_scores_that_add_up():
    for result in make_class():
        document = json.loads(gradescope.render(result, RUBRIC, list(RUBRIC.tasks)))
        assert set(document) == {"score", "output", "tests"}
        assert all(set(test) == TEST_KEYS and test["status"] in ("passed", "failed") for test in document["tests"])
        assert document["score"] == sum(test["score"] for test in document["tests"])
        assert all(isinstance(test["score"], int) and isinstance(test["max_score"], int) for test in document["tests"])
        assert document["output"].startswith(f"Total: {document['score']}/{sum(t['max_score'] for t in document['tests'])}")


def test_a_failed_check_and_a_missing_task():
    result = submission("bob", task("task1", fail={"cmd": (14, "CMD is shell form")}), task("task2", missing=True))
    document = gradescope.document(result, RUBRIC)
    cmd = next(test for test in document["tests"] if test["name"].startswith("task1: cmd"))
    hint = next(c.hint for c in result.tasks[0].checks if c.id == "cmd")
    assert cmd == {"name": "task1: cmd (CMD runs the app on 0.0.0.0:8000)", "number": "1.13", "score": 0,
                   "max_score": 1, "status": "failed", "output": f"line 14: CMD is shell form\nHint: {hint}",
                   "tags": ["task1"], "visibility": "visible"}
    missing = document["tests"][-1]
    assert missing["name"] == "task2: Task 2 - Caching: the same image made lean" and missing["status"] == "failed"
    assert missing["score"] == 0 and missing["max_score"] == result.tasks[1].max_score
    assert "task1: not graded here (static-only run: the image was not built)" in document["output"]
    assert not any(test["name"].startswith("task1: builds") for test in document["tests"])
