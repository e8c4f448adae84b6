"""feedback/<student>.md: per task the score; each failed check with its line, message, hint and the lines around."""

from graders.report import feedback

from .classbuilder import HOSTILE, RUBRIC, make_class, submission, task

MESSAGE = "line 5: `apt-get install -y x` installs recommended packages too; add `--no-install-recommends`"


def test_a_failed_check_with_its_line_message_hint_and_excerpt():
    result = submission("bob", task("task2", fail={"no-install-recommends": (5, MESSAGE)}))
    text = feedback.render(result, RUBRIC)
    hint = next(c.hint for c in result.tasks[0].checks if c.id == "no-install-recommends")
    expected = "\n".join([
        "### ✗ `no-install-recommends` (line 5): apt installs skip recommended packages",
        "",
        MESSAGE,
        "",
        f"**Hint:** {hint}",
        "",
        "```dockerfile",
        "  3 | ENV PYTHONUNBUFFERED 1",
        "  4 | RUN apt-get update",
        "> 5 | RUN apt-get install -y software-properties-common",
        "  6 | RUN add-apt-repository -y ppa:deadsnakes/ppa",
        "  7 | RUN apt-get update",
        "```",
    ])
    assert expected in text
    assert text.startswith("# Feedback: bob\n\nDocker fundamentals, 2022 edition\n\n**Total: ")
    assert "| Task 2 - Caching: the same image made lean |" in text


def test_missing_skipped_absent_and_advisories():
    chen, eve = make_class()[2], make_class()[5]
    text = feedback.render(chen, RUBRIC, list(RUBRIC.tasks))
    assert "Missing: no `dockerfile-task-3-2` in the submission. This task scores 0." in text
    assert "- `pushed`: no registry configured" in text
    eve_text = feedback.render(eve, RUBRIC, list(RUBRIC.tasks))
    assert "Not graded in this run" in eve_text and "(not graded)" in eve_text
    hostile = feedback.render(make_class()[6], RUBRIC)
    assert "Advisories (no points):\n- hadolint `DL3007` line 1: Using latest is prone to errors \\<img src=x\\>" in hostile


def test_static_only_skips_are_one_line():
    text = feedback.render(submission("z", task("task1")), RUBRIC)
    assert "- `builds`, `image-config`, `serves-hello-world`, `python-version`: static-only run" in text


def test_student_text_cannot_open_html_or_break_the_fence():
    source = "FROM x\nRUN echo '```' && echo '````'\n"
    result = submission(HOSTILE, task("task1", source=source, fail={
        "cmd": (2, "<script>alert(1)</script> in `RUN echo <b>`"),
    }))
    text = feedback.render(result, RUBRIC)
    assert "# Feedback: \\<script\\>alert('id')\\</script\\>" in text
    assert "\\<script\\>alert(1)\\</script\\> in `RUN echo <b>`" in text  # code spans stay literal anyway
    assert "`````dockerfile\n  1 | FROM x\n> 2 | RUN echo '```' && echo '````'\n`````" in text


def test_excerpt_bounds():
    assert feedback.excerpt_lines("a\nb", 1) == ["> 1 | a", "  2 | b"]
    assert feedback.excerpt_lines("a\nb", 3) == [] and feedback.excerpt_lines(None, 1) == []
    assert feedback.excerpt_lines("\n".join("x" * 12), 10)[0] == "   8 | x"


def test_a_harness_error_is_not_the_students_fault():
    text = feedback.render(submission("d", task("task2", error={"builds": "engine down\nlog line 1\nlog line 2"})), RUBRIC)
    assert "### ⚠ harness error in `builds`" in text
    assert "engine down\n\n```\nlog line 1\nlog line 2\n```" in text
    assert "not your Dockerfile" in text
