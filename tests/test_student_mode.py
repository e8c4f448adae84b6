"""Student mode: `make testTask1` runs the rubric as pytest tests, one per check, with a score line."""

import shutil
import subprocess
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


NONROOT_2023 = ("FROM python:3.8.14-slim\nENV PYTHONUNBUFFERED 1\nRUN useradd --uid 10000 -ms /bin/bash runner\n"
                "WORKDIR /home/runner/server\nUSER 10000\nCOPY ./ ./\n"
                "RUN pip install --no-cache-dir --user poetry && poetry install --only main\nEXPOSE 8000\n"
                'ENTRYPOINT ["poetry", "run"]\nCMD ["uvicorn", "app.main:app", "--host", "0.0.0.0", "--port", "8000"]\n')


@pytest.mark.parametrize("how", ["option", "graders.toml"])
def test_another_edition_is_graded_with_its_own_names_and_checks(student_repo, how):
    student_repo.path.joinpath("Dockerfile-nonroot").write_text(NONROOT_2023)
    if how == "option":
        result = run(student_repo, "--task", "nonroot", "--exercise", "docker-fundamentals-2023")
    else:
        student_repo.path.joinpath("graders.toml").write_text('exercise = "docker-fundamentals-2023"\n')
        result = run(student_repo, "--task", "nonroot")
    result.assert_outcomes(passed=7, failed=1, skipped=6)
    result.stdout.fnmatch_lines([
        "*nonroot::user-scripts-on-path*",
        "*line 7:*poetry*/home/runner/.local/bin*not on PATH*",
        "nonroot: score 7/8 (1 failed)",
    ])


def test_a_bad_graders_toml_is_a_usage_error(student_repo):
    student_repo.path.joinpath("graders.toml").write_text('exercise = "docker-fundamentals-1999"\n')
    result = run(student_repo, "--task", "nonroot")
    assert result.ret != 0
    result.stderr.fnmatch_lines(["*no exercise 'docker-fundamentals-1999'*docker-fundamentals-2022*"])


@pytest.mark.parametrize(("exercise", "dockerfile", "tag"), [
    ("", "dockerfile-task-1", "base-image-fastapi-ubuntu-fat:test"),
    ("docker-fundamentals-2023", "Dockerfile-task-1", "base-image-fastapi-ubuntu-fat:test"),
    ("flask-gunicorn", "Dockerfile", "flask-hello:1.0"),
])
def test_the_make_targets_come_from_the_exercise(exercise, dockerfile, tag):
    target = "buildImage" if exercise == "flask-gunicorn" else "buildTask1"
    dry = subprocess.run(["make", "-n", target, f"EXERCISE={exercise}"], cwd=ROOT, capture_output=True, text=True,
                         timeout=120)
    assert dry.returncode == 0, dry.stderr
    assert f"docker build -f {dockerfile} -t {tag} ." in dry.stdout
