"""Student mode: `make testTask1` runs the rubric as pytest tests, one per check, with a score line."""

import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SUITE = ROOT / "graders" / "suites" / "test_rubric.py"


@pytest.fixture
def student_repo(pytester, monkeypatch):
    """A student's working copy: the suite and the Dockerfiles at the root."""
    monkeypatch.setenv("PYTHONPATH", str(ROOT))
    shutil.copy(SUITE, pytester.path / "test_rubric.py")
    pytester.makeconftest('pytest_plugins = ["graders.pytest_plugin"]')
    return pytester


def run(repo, *args):
    return repo.runpytest_subprocess("--static-only", "-p", "no:cacheprovider", "-o", "addopts=", *args)


def test_one_test_per_check_with_ids_and_a_score_line(student_repo):
    student_repo.path.joinpath("dockerfile-nonroot").write_text(
        "FROM python:3.8.12-slim\nRUN useradd --uid 10000 -m runner\nWORKDIR /home/runner/server\n"
        "COPY . /home/runner/server\nEXPOSE 8000\nUSER 10000\nENTRYPOINT [\"uvicorn\"]\n"
        "CMD [\"app.main:app\", \"--host\", \"127.0.0.1\", \"--port\", \"8000\"]\n"
    )
    result = run(student_repo, "--task", "nonroot", "-v")
    result.assert_outcomes(passed=6, failed=1, skipped=6)  # --static-only: the 6 dynamic checks are skipped
    result.stdout.fnmatch_lines([
        "*test_rubric?nonroot::base-image? PASSED*",
        "*test_rubric?nonroot::cmd? FAILED*",
        "*line 8*127.0.0.1*",
        "*hint:*",
        "nonroot: score 6/7 (1 failed)",
    ])


def test_k_selects_checks_and_missing_dockerfile_fails_clearly(student_repo):
    result = run(student_repo, "--task", "task1", "-k", "expose")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*missing: no `dockerfile-task-1` in the submission*"])


def test_unknown_task_is_a_usage_error(student_repo):
    result = run(student_repo, "--task", "task9")
    assert result.ret != 0
    result.stderr.fnmatch_lines(["*unknown task task9*"])
