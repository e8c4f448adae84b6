"""What reaches the instructor's terminal (the summary and the progress lines) cannot drive it: a folder name or a
Dockerfile with escape sequences, bells or newlines is shown, escaped, on its own line."""

import io

from graders.core import Status
from graders.exercise import TaskSpec
from graders.report import text
from graders.report.common import printable
from graders.report.progress import BatchProgress
from graders.results import CheckResult, SubmissionResult, TaskResult
from graders.submission import Submission

NAME = "evil\x1b[2Jclear\nsecond line\x07"
TASK = TaskResult("task2", "graded", "dockerfile-task-2", (
    CheckResult("expose-8000", Status.FAILED, 0, 1, message="line 2: `EXPOSE 80 # \x1b[31mred\x1b[0m\r`\nnext line"),
))


def test_printable_escapes_controls_and_keeps_lines_unless_told():
    assert printable("a\x1b[2J\x07\r\x9b\tb\nc") == "a\\x1b[2J\\x07\\r\\x9b\tb\nc"
    assert printable("a\tb\nc", one_line=True) == "a\\tb\\nc"
    assert printable("café 名前 ✓") == "café 名前 ✓"


def test_the_summary_shows_hostile_text_escaped():
    shown = text.render([SubmissionResult(NAME, (TASK,))])
    assert "\x1b[2J" not in shown and "\x07" not in shown and "\r" not in shown and "\x1b[31m" not in shown
    assert "evil\\x1b[2Jclear\\nsecond line\\x07  0/1" in shown
    assert "# \\x1b[31mred\\x1b[0m\\r`\nnext line" in shown, "the message keeps its own line breaks"


def test_the_progress_lines_show_hostile_names_on_one_line():
    stream = io.StringIO()
    progress = BatchProgress(total=1, stream=stream, live=False)
    submission, task = Submission(NAME, None), TaskSpec("task2", "Task 2", ("dockerfile-task-2",), "base-image-fastapi-ubuntu:test", ())
    progress("start", submission, task, None)
    progress("done", submission, task, TASK)
    first = stream.getvalue().splitlines()[0]
    assert first.startswith("[1/1] evil\\x1b[2Jclear\\nsecond line\\x07 task2: graded 0/1")
