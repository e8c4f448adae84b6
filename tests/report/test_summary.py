"""summary.md: class size, per task graded/missing/mean/median, most failed checks; $GITHUB_STEP_SUMMARY."""

from graders.report import summary

from .classbuilder import RUBRIC, make_class, submission, task


def test_the_class_at_a_glance():
    text = summary.render(make_class(), RUBRIC)
    assert text.startswith("# Class summary\n\nDocker fundamentals, 2022 edition\n\n**8 students**, 5 tasks; total score: mean 72.9, median 85 (max 97).")
    assert "**1 check ended in a harness error**" in text
    nonroot = next(line for line in text.splitlines() if line.startswith("| Non-root"))
    assert nonroot.split(" | ")[1:5] == ["5", "3", "10.8", "12"]
    most_failed = text.split("## Most failed checks")[1].split("## Students")[0]
    rows = [line for line in most_failed.splitlines() if line.startswith("| `")]
    assert rows[0].startswith("| `no-install-recommends` apt installs skip recommended packages | 7/20 | 35% |")
    assert "task2 4/7" in rows[0]


def test_exact_small_class():
    results = [submission("a", task("task1", fail={"cmd": (14, "x")})), submission("b", task("task1"))]
    text = summary.render(results, RUBRIC)
    assert "| Task 1 - Layers: a fat Ubuntu image, one RUN per command | 2 | 0 | 12.5 | 12.5 | 13 | `cmd` 50% |" in text
    assert "| `cmd` CMD runs the app on 0.0.0.0:8000 | 1/2 | 50% | task1 1/2 |" in text
    assert "| a | 12/13 | 12/13 |" in text and "| b | 13/13 | 13/13 |" in text


def test_no_failure_and_no_class():
    assert "No check failed." in summary.render([submission("a", task("task1"))], RUBRIC)
    assert summary.render([], RUBRIC) == "# Class summary\n\nDocker fundamentals, 2022 edition\n\nNo submission was graded.\n"


def test_ids_cannot_break_the_table():
    text = summary.render([submission("a|b<i>\nc", task("task1"))], RUBRIC)
    assert "| a\\|b\\<i\\> c | 13/13 | 13/13 |" in text


def test_github_step_summary(tmp_path):
    target = tmp_path / "step_summary.md"
    target.write_text("earlier step\n")
    assert summary.append_to_github_step_summary("# Class summary", {"GITHUB_STEP_SUMMARY": str(target)}) == target
    assert target.read_text() == "earlier step\n# Class summary\n"
    assert summary.append_to_github_step_summary("x", {}) is None
