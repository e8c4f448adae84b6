"""Bad input gets a clear verdict, never a traceback, and never takes the other submissions down."""

import json
import os

import pytest
from click.testing import CliRunner

from graders.cli import main
from graders.core import Status
from graders.exercise import load_exercise
from graders.grading import GradingOptions, grade
from graders.submission import discover

GOOD_EXPOSE = "FROM python:3.8.12-slim\nEXPOSE 8000\n"


def bad_class(tmp_path):
    """A class folder: one submission per kind of bad input, each next to a sane task2 file."""
    cases = {
        "empty": b"",
        "binary": bytes(range(256)) * 4,
        "latin1": "FROM ubuntu:20.04\n# café\n".encode("latin-1"),
        "huge": b"FROM ubuntu:20.04\n" + b"RUN true\n" * 1_200_000,
        "unknown-instruction": b"FROM ubuntu:20.04\nFOO bar\nEXPOSE 8000\n",
        "unterminated-json": b'FROM ubuntu:20.04\nENTRYPOINT ["uvicorn"\n',
        "unterminated-quote": b"FROM ubuntu:20.04\nRUN echo 'oops && apt-get install -y python3.8\n",
        "nested-without-end": b"FROM ubuntu:20.04\nRUN " + b"(" * 5000 + b"true" + b")" * 5000 + b"\n",
    }
    for name, content in cases.items():
        folder = tmp_path / name
        folder.mkdir()
        (folder / "dockerfile-task-1").write_bytes(content)
        (folder / "dockerfile-task-2").write_text(GOOD_EXPOSE)
    (tmp_path / "directory" / "dockerfile-task-1").mkdir(parents=True)
    (tmp_path / "directory" / "dockerfile-task-2").write_text(GOOD_EXPOSE)
    (tmp_path / "named-pipe").mkdir()
    os.mkfifo(tmp_path / "named-pipe" / "dockerfile-task-1")  # opened as a plain file, it would block for ever
    (tmp_path / "named-pipe" / "dockerfile-task-2").write_text(GOOD_EXPOSE)
    odd = tmp_path / "Ünïcode name with spaces & $(rm -rf)"
    odd.mkdir()
    (odd / "DOCKERFILE-TASK-2").write_text(GOOD_EXPOSE)
    return tmp_path


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    folder = bad_class(tmp_path_factory.mktemp("class"))
    exercise = load_exercise()
    submissions = discover([folder], exercise.dockerfile_names)
    graded = grade(submissions, exercise.select(["task1", "task2"]), GradingOptions(static_only=True))
    return {result.id: {task.task: task for task in result.tasks} for result in graded}


def checks(task):
    return {check.id: check for check in task.checks}


@pytest.mark.parametrize(
    ("submission", "says"),
    [
        ("binary", "binary file"),
        ("latin1", "not UTF-8"),
        ("huge", "larger than 1024 KiB"),
        ("directory", "is a directory"),
        ("named-pipe", "is a named pipe; it should be a text file"),
    ],
)
def test_unreadable_dockerfiles_fail_every_check_with_the_reason(results, submission, says):
    task1 = results[submission]["task1"]
    assert task1.status == "graded" and task1.score == 0
    graded = [check for check in task1.checks if check.status is not Status.SKIPPED]  # static-only: no builds
    assert graded and all(check.status is Status.FAILED and says in check.message for check in graded)


def test_empty_file_fails_with_no_from(results):
    assert "no FROM" in checks(results["empty"]["task1"])["base-image"].message


def test_unknown_instruction_does_not_hide_the_rest(results):
    assert checks(results["unknown-instruction"]["task1"])["expose-8000"].status is Status.PASSED


def test_unterminated_json_is_explained(results):
    assert "not valid JSON" in checks(results["unterminated-json"]["task1"])["entrypoint"].message


def test_unterminated_quote_fails_the_shell_checks_with_its_line(results):
    check = checks(results["unterminated-quote"]["task1"])["one-command-per-run"]
    assert check.status is Status.FAILED and check.line == 2 and "unterminated ' quote" in check.message


def test_missing_dockerfile_is_a_missing_task(results):
    task1 = results["Ünïcode name with spaces & $(rm -rf)"]["task1"]
    assert task1.status == "missing" and task1.score == 0 and task1.max_score > 0


def test_other_tasks_still_graded(results):
    for submission in results.values():
        assert checks(submission["task2"])["expose-8000"].status is Status.PASSED


def test_a_shell_nested_past_pythons_stack_is_still_graded(results):
    task1 = results["nested-without-end"]["task1"]
    assert checks(task1)["base-image"].status is Status.PASSED


def test_a_harness_crash_on_one_file_is_an_error_of_its_task_only(tmp_path, monkeypatch):
    import graders.grading

    folder = bad_class(tmp_path)
    real_parse = graders.grading.parse

    def parse(text):
        if "café" in text:
            raise RuntimeError("a bug")
        return real_parse(text)

    (folder / "latin1" / "dockerfile-task-1").write_text("FROM ubuntu:20.04\n# café\n")
    monkeypatch.setattr(graders.grading, "parse", parse)
    exercise = load_exercise()
    graded = {r.id: {t.task: t for t in r.tasks} for r in grade(discover([folder], exercise.dockerfile_names),
                                                                exercise.select(["task1", "task2"]),
                                                                GradingOptions(static_only=True))}
    broken = [c for c in graded["latin1"]["task1"].checks if c.status is not Status.SKIPPED]
    assert broken and all(c.status is Status.ERROR and "internal error reading `dockerfile-task-1`: RuntimeError: a bug"
                          in c.message for c in broken)
    assert checks(graded["latin1"]["task2"])["expose-8000"].status is Status.PASSED


def test_no_check_errors(results):
    for submission in results.values():
        for task in submission.values():
            assert all(check.status is not Status.ERROR for check in task.checks), task


def test_cli_survives_the_whole_class_and_writes_json(tmp_path):
    (tmp_path / "class").mkdir()
    folder = bad_class(tmp_path / "class")
    out = tmp_path / "results.json"
    result = CliRunner().invoke(main, ["grade", str(folder), "--static-only", "--no-advisories", "--json", str(out)])
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    document = json.loads(out.read_text())
    assert document["schema"] == "graders.results/1"
    assert len(document["submissions"]) == len(list(folder.iterdir())) == 11


def test_cli_rejects_an_unreadable_path_with_a_message():
    result = CliRunner().invoke(main, ["grade", "/no/such/folder"])
    assert result.exit_code == 2 and "does not exist" in result.output


def test_two_spellings_of_one_dockerfile_name_grade_the_exact_one(tmp_path):
    from graders.submission import Submission

    (tmp_path / "Dockerfile-Task-1").write_text("FROM other\n")
    (tmp_path / "dockerfile-task-1").write_text("FROM ubuntu:20.04\n")
    (tmp_path / "DOCKERFILE-TASK-2").write_text(GOOD_EXPOSE)
    submission = Submission("twice", tmp_path)
    assert submission.find(("dockerfile-task-1",)).name == "dockerfile-task-1"
    assert submission.find(("dockerfile-task-2",)).name == "DOCKERFILE-TASK-2"
    assert submission.find(("dockerfile-task-3-1",)) is None
