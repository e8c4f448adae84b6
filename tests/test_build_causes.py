"""Build failures explained, without Docker: the causes file loads strictly, each real log of
tests/fixtures/build_logs/ (the builds of tests/dynamic/test_build_causes.py) names its cause, the first cause in
log order is named once, a 16 MiB log costs a fraction of a second, and `builds` turns a cause into its verdict."""

from __future__ import annotations

import dataclasses
import time
from pathlib import Path

import pytest

from graders import build_causes
from graders.build_causes import CATALOGUE, BuildCausesError, diagnose, parse
from graders.checks.dynamic import builds, serves_http
from graders.session_types import BuildResult
from tests.dynamic.fakes import (
    FakeSession,
    assert_verdict,
    facts,
    image,
    probe_result,
    run,
)

LOGS = Path(__file__).resolve().parent / "fixtures" / "build_logs"

# fixture -> (cause id, fault, what the explanation and fix say)
EXPECTED = {
    "poetry-no-dev": ("poetry-no-dev", "student", "removed `poetry install --no-dev`", "`poetry install --only main`"),
    "poetry-lock-version": ("poetry-lock-mismatch", "student", "another Poetry wrote it", "(`poetry lock`)"),
    "poetry-lock-stale": ("poetry-lock-mismatch", "student", "written for another pyproject.toml", "(`poetry lock`)"),
    "poetry-package-mode": ("poetry-unknown-setting", "student", "does not know the setting `package-mode`",
                            '`pip install "poetry>=2"`'),
    "apt-without-update": ("apt-without-update", "student", "not even `curl`", "`apt-get update` in the same RUN"),
    "poetry-not-on-path": ("scripts-not-on-path", "student", "finds no `poetry` command (exit code 127)",
                           "`ENV PATH=/home/<user>/.local/bin:$PATH`"),
    "pip-externally-managed": ("pip-externally-managed", "student", "(PEP 668)", "`--break-system-packages`"),
    "pip-index-refused": ("network-unreachable", "machine", "Failed to establish a new connection",
                          "nothing to change in the Dockerfile"),
    "apt-source-unresolvable": ("network-unreachable", "machine", "(`Could not resolve 'deadsnakes.invalid'`)",
                                "`--resume` grades this task again"),
}


def log(name: str) -> list[str]:
    return (LOGS / f"{name}.log").read_bytes().decode().rstrip("\n").split("\n")


def step_log(step: str, *output: str, stage: tuple[str, ...] = ("FROM python:3.11-slim",)) -> list[str]:
    """A classic builder's log: the stage's steps, then `step` with its output."""
    steps = [*stage, step]
    lines = []
    for number, text in enumerate(steps, 1):
        lines += [f"Step {number}/{len(steps) + 2} : {text}", " ---> Running in 0123456789ab"]
    return lines + list(output)


# --- the shipped causes, on the real logs --------------------------------------------------------------------------


def test_the_shipped_file_loads_and_every_cause_has_a_real_log():
    assert CATALOGUE.ids == ("poetry-no-dev", "poetry-lock-mismatch", "poetry-unknown-setting", "apt-without-update",
                             "apt-unknown-package", "scripts-not-on-path", "pip-externally-managed",
                             "network-unreachable")
    assert sorted(path.stem for path in LOGS.glob("*.log")) == sorted(EXPECTED)
    covered = {cause for cause, *_ in EXPECTED.values()}
    assert set(CATALOGUE.ids) - covered == {"apt-unknown-package"}  # apt-without-update's log, with an update first


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_real_log_names_its_cause(name):
    cause_id, fault, explained, fixed = EXPECTED[name]
    lines = log(name)
    failing = next(line for line in reversed(lines) if line.startswith("Step "))
    for step in (failing, None):  # the step as the session gives it, or as the log names it
        cause = diagnose(lines, step)
        assert cause is not None and (cause.id, cause.fault) == (cause_id, fault), cause
        assert explained in cause.text and fixed in cause.fix, cause.text
        assert cause.text.count("cause") == 1 and cause.text.startswith("cause") and "\nfix: " in cause.text
        assert "{" not in cause.text, "every placeholder filled"


def test_with_an_update_first_apt_knows_no_such_package():
    lines = step_log("RUN apt-get update && apt-get install -y --no-install-recommends pyhton3.8",
                     "Reading package lists...", "E: Unable to locate package pyhton3.8")
    cause = diagnose(lines)
    assert cause.id == "apt-unknown-package" and "no package `pyhton3.8`" in cause.explanation


@pytest.mark.parametrize("stage, step, expected", [
    ((), "RUN apt-get install -y curl", "apt-without-update"),
    ((), "RUN apt-get -q update && apt-get install -y curl", "apt-unknown-package"),
    ((), "RUN apt-get update && rm -rf /var/lib/apt/lists/* && apt-get install -y curl", "apt-without-update"),
    ((), "RUN apt-get install -y curl && apt-get update", "apt-without-update"),
    (("RUN apt-get update",), "RUN apt-get install -y curl", "apt-unknown-package"),  # the lists are in the layer
    (("RUN apt-get update && apt-get install -y git && rm -rf /var/lib/apt/lists/*",), "RUN apt-get install -y curl",
     "apt-without-update"),  # that RUN took its lists away again
    (("RUN apt-get update", "FROM python:3.11-slim"), "RUN apt-get install -y curl",
     "apt-without-update"),  # another stage's update is not this stage's
])
def test_apt_update_before_the_install_in_its_stage(stage, step, expected):
    lines = step_log(step, "E: Unable to locate package curl", stage=("FROM python:3.11-slim", *stage))
    assert diagnose(lines).id == expected


def test_poetrys_warning_of_a_stale_lock_is_no_cause():
    warning = "Warning: poetry.lock is not consistent with pyproject.toml. You may be getting improper dependencies."
    assert diagnose(step_log("RUN poetry install", warning, "Installing dependencies from lock file")) is None
    error = "Error: poetry.lock is not consistent with pyproject.toml. Run `poetry lock [--no-update]` to fix it."
    assert diagnose(step_log("RUN poetry lock --check", error)).id == "poetry-lock-mismatch"


@pytest.mark.parametrize("line", [
    ("Err:5 http://ppa.launchpad.net/deadsnakes/ppa/ubuntu focal InRelease  Temporary failure resolving "
     "'ppa.launchpad.net'"),
    "curl: (6) Could not resolve host: install.python-poetry.org",
    "  Could not connect to 127.0.0.1:9 (127.0.0.1). - connect (111: Connection refused)",
    "httplib2.error.ServerNotFoundError: Unable to find the server at api.launchpad.net",
    "launchpadlib.errors.HTTPError: HTTP Error 503: Service Unavailable",
    "urllib.error.URLError: <urlopen error [Errno -3] Temporary failure in name resolution>",
    "pip._vendor.urllib3.exceptions.ReadTimeoutError: HTTPSConnectionPool(host='pypi.org', port=443): Read timed out.",
])
def test_a_host_out_of_reach_is_the_machines(line):
    cause = diagnose(step_log("RUN add-apt-repository -y ppa:deadsnakes/ppa && apt-get update", line))
    assert (cause.id, cause.fault) == ("network-unreachable", "machine")
    assert cause.text.startswith("cause (the machine's, not the Dockerfile's): ")


def test_only_the_failing_steps_output_counts():
    earlier = ["Step 2/4 : RUN pip install --no-cache-dir poetry",
               ("WARNING: Retrying (Retry(total=4)) after connection broken by 'NewConnectionError(...: Failed to "
                "establish a new connection: [Errno 101] Network is unreachable')'"),
               "Successfully installed poetry-2.1.3"]
    lines = ["Step 1/4 : FROM python:3.11-slim", *earlier, "Step 3/4 : RUN poetry install --no-dev",
             'The option "--no-dev" does not exist']
    assert diagnose(lines).id == "poetry-no-dev", "a retry that succeeded in an earlier step is not the cause"


def test_nothing_recognised():
    assert diagnose(step_log("RUN false")) is None
    assert diagnose([]) is None
    assert diagnose((), "Step 3/9 : RUN apt-get install -y x") is None
    assert diagnose(["dockerfile parse error line 3: unknown instruction: RUNN"]) is None


def test_a_quoted_line_is_cut_around_what_matched():
    long = "x" * 300 + " Connection refused " + "y" * 150
    cause = diagnose(step_log("RUN pip install x", long))
    assert "Connection refused" in cause.evidence and len(cause.evidence) <= build_causes.SHOWN_CHARS
    assert cause.evidence.startswith("…") and cause.evidence.endswith("…")
    odd = diagnose(step_log("RUN apt-get install -y x", "E: Unable to locate package `rm -rf`{x}"))
    assert odd.explanation.endswith("not even `'rm`"), "a backtick of the log never closes the quote early"


# --- bad input: a 16 MiB log ---------------------------------------------------------------------------------------


FILLER = "  Downloading cffi-2.1.1-cp311-cp311-manylinux2014_x86_64.manylinux_2_17_x86_64.whl (217 kB) {}"
SIXTEEN_MIB = 16 * 2**20


def flood(every: dict[int, str]) -> list[str]:
    """16 MiB of pip's output with, every 1,000 lines, the lines of `every` (at their offset)."""
    lines, size, number = [], 0, 0
    while size < SIXTEEN_MIB:
        number += 1
        line = every.get(number % 1000) or FILLER.format(number)
        lines.append(line)
        size += len(line) + 1
    return lines


def timed(lines, step=None):
    started = time.perf_counter()
    cause = diagnose(lines, step)
    return cause, time.perf_counter() - started


def test_a_16_mib_log_matching_several_causes_names_the_first_once_in_bounded_time():
    step = "RUN apt-get update && apt-get install -y python3-pip && pip3 install poetry && poetry install --no-dev"
    matches = {300: "E: Unable to locate package python3-pip", 500: "error: externally-managed-environment",
               700: 'The option "--no-dev" does not exist', 900: "/bin/sh: 1: poetry: not found"}
    earlier = ["Step 1/4 : FROM python:3.11-slim", "Step 2/4 : RUN pip install --no-cache-dir poetry",
               *flood({100: "Temporary failure resolving 'deb.debian.org'"})[:5000]]  # a step that succeeded
    lines = earlier + [f"Step 3/4 : {step}"] + flood(matches)
    assert sum(map(len, lines)) > SIXTEEN_MIB
    cause, seconds = timed(lines)
    assert cause.id == "apt-unknown-package" and cause.evidence == "E: Unable to locate package python3-pip"
    assert seconds < 1.0, f"{seconds:.2f} s"
    verdict = run(builds.check, FakeSession(built=None, build_result=BuildResult(
        False, None, f"Step 3/4 : {step} failed: ...", tuple(lines), f"Step 3/4 : {step}", 7)))
    assert verdict.message.count("cause") == 1 and verdict.message.count("\nfix: ") == 1


@pytest.mark.parametrize("case", ["first-machine", "late", "none", "one-line", "near-misses"])
def test_16_mib_logs_in_bounded_time(case):
    step = "Step 2/3 : RUN apt-get install -y curl && pip install poetry && poetry install --no-dev"
    head = ["Step 1/3 : FROM python:3.11-slim", step]
    lines, expected = {
        # the network first, then every student cause many times
        "first-machine": (flood({1: "W: Failed to fetch http://x/InRelease  Could not resolve 'deb.debian.org'",
                                 2: "E: Unable to locate package curl", 3: 'The option "--no-dev" does not exist'}),
                          "network-unreachable"),
        "late": ([FILLER.format(n) for n in range(165_000)] + ['The option "--no-dev" does not exist'],
                 "poetry-no-dev"),
        "none": ([FILLER.format(n) for n in range(165_000)], None),
        # a single 16 MiB line: read up to LINE_CHARS only
        "one-line": (["x" * SIXTEEN_MIB + 'The option "--no-dev" does not exist'], None),
        # starts of patterns everywhere, no whole one
        "near-misses": (["sh: 1: po E: Unable to locat The option Could not connect Temporary failure " * 6] * 37_000,
                        None),
    }[case]
    lines = head + lines
    assert sum(map(len, lines)) > SIXTEEN_MIB - 2**20
    cause, seconds = timed(lines)
    assert (cause.id if cause else None) == expected
    assert seconds < 1.0, f"{case}: {seconds:.2f} s"


# --- builds: the verdict -------------------------------------------------------------------------------------------


def failed_build(name: str, **changes) -> BuildResult:
    lines = tuple(log(name))
    step = next(line for line in reversed(lines) if line.startswith("Step "))
    result = BuildResult(False, None, f"{step} failed: The command returned a non-zero code: 1", lines, step, 5)
    return dataclasses.replace(result, **changes)


def test_a_students_cause_is_added_to_the_failed_verdict():
    verdict = run(builds.check, FakeSession(built=None, build_result=failed_build("poetry-no-dev")))
    assert_verdict(verdict, "failed", "failed: The command returned a non-zero code: 1\ncause: `pip install poetry` "
                   "installs Poetry 2", "\nfix: write `poetry install --only main`")
    assert verdict.line == 5


def test_a_machines_cause_is_an_error():
    verdict = run(builds.check, FakeSession(built=None, build_result=failed_build("apt-source-unresolvable")))
    assert_verdict(verdict, "error", "\ncause (the machine's, not the Dockerfile's): a step of the build could not "
                   "reach a server")
    assert not verdict.settled, "--resume grades it again once the network answers"


def test_no_cause_leaves_the_verdict_as_it_was():
    result = failed_build("poetry-no-dev", log=("Step 1/2 : FROM x", "Step 2/2 : RUN false"))
    verdict = run(builds.check, FakeSession(built=None, build_result=result))
    assert_verdict(verdict, "failed", result.message)
    assert verdict.message == result.message and verdict.line == 5


def test_a_build_stopped_at_its_deadline_is_named_as_such():
    result = failed_build("apt-source-unresolvable", timed_out=True, message="Step 2/2 : RUN ...: still running")
    verdict = run(builds.check, FakeSession(built=None, build_result=result))
    assert_verdict(verdict, "failed", "still running")
    assert "cause" not in verdict.message


def test_a_passed_build_is_not_diagnosed():
    result = BuildResult(True, image(), "built x in 1.0 s", log=tuple(log("poetry-no-dev")))
    assert_verdict(run(builds.check, FakeSession(build_result=result)), "passed", "built x")


# --- the probe's diagnosis of a runtime import failure (serves-http) ---------------------------------------------


@pytest.mark.parametrize("logs", [
    "Traceback (most recent call last):\n  ...\nModuleNotFoundError: No module named 'app'\n",  # uvicorn 0.17+
    'ERROR:    Error loading ASGI app. Could not import module "app.main".\n',
])
def test_uvicorn_that_cannot_import_the_app_names_the_workdir(logs):
    result = probe_result("exited", seconds=0.5, facts=facts("exited", 1, logs))
    verdict = run(serves_http.check, FakeSession(image(WorkingDir="/srv"), probe_result=result),
                  port=8000, path="/", text="Hello World")
    assert_verdict(verdict, "failed", "cause: the server process ended (exit code 1) before it answered: WORKDIR or "
                   "COPY put the app elsewhere: uvicorn runs in the WORKDIR (/srv) and imports `app.main` from there, "
                   "so /srv/app/main.py must exist", "`COPY . .` after `WORKDIR /srv`")


def test_a_missing_dependency_is_not_the_workdir():
    result = probe_result("exited", facts=facts("exited", 1, "ModuleNotFoundError: No module named 'fastapi'\n"))
    verdict = run(serves_http.check, FakeSession(image(), probe_result=result), port=8000, path="/", text="Hello World")
    assert "WORKDIR" not in verdict.message and "the server process ended (exit code 1)" in verdict.message


# --- the file is read strictly -------------------------------------------------------------------------------------


GOOD = '''schema = "graders.build-causes/1"
[[causes]]
id = "one"
fault = "student"
patterns = ['E: Unable to locate package (?P<package>\\S+)']
explanation = "no {package}"
fix = "add it ({line})"
'''


def test_a_minimal_file():
    catalogue = parse(GOOD)
    cause = catalogue.diagnose(["E: Unable to locate package x"])
    assert (cause.explanation, cause.fix) == ("no x", "add it (E: Unable to locate package x)")


@pytest.mark.parametrize("change, message", [
    (("schema = \"graders.build-causes/1\"", "schema = \"graders.build-causes/2\""), "schema: expected"),
    (('fault = "student"', 'fault = "nobody"'), "causes[0] (one): fault: input should be 'student' or 'machine'"),
    (('fault = "student"', 'fault = "student"\nfaults = 1'), "causes[0] (one): faults: unknown key"),
    (('fix = "add it ({line})"\n', ""), "causes[0] (one): fix: missing"),
    (('id = "one"', 'id = "One Two"'), "causes[0] (One Two): id: string should match pattern"),
    (("patterns = ['E: Unable to locate package (?P<package>\\S+)']", "patterns = []"),
     "patterns: array should have at least 1 item"),
    (("(?P<package>\\S+)']", "(?P<package>\\S+']"), "is not a valid regular expression"),
    (("'E: Unable to locate package (?P<package>\\S+)'", "'^E: (?P<package>x)'"), "must start with three plain"),
    (("'E: Unable to locate package (?P<package>\\S+)'", "'abc(?P<package>x)?|abc'"), None),
    (("'E: Unable to locate package (?P<package>\\S+)'", "'abc(?P<package>.*)\\n'"), "no newline"),
    (("(?P<package>", "(?P<line>"), "`line` is the matched line's own name"),
    (('explanation = "no {package}"', 'explanation = "no {pkg}"'), "`{pkg}` is not `{line}` nor a named group"),
    (('explanation = "no {package}"', 'explanation = "no {package!r}"'), "a placeholder is a plain name"),
    (('explanation = "no {package}"', 'explanation = "no {"'), "write a literal brace"),
    (('patterns = [', 'step = "("\npatterns = ['), "step: '(' is not a valid regular expression"),
    (('id = "one"', 'id = "one"\nid = "two"'), "not valid TOML"),
])
def test_bad_files_are_named_with_the_entry(change, message):
    text = GOOD.replace(*change)
    assert text != GOOD
    if message is None:
        parse(text)  # a group that may be absent: `{package}` is then empty
        return
    with pytest.raises(BuildCausesError) as raised:
        parse(text, "causes.toml")
    assert message in str(raised.value), str(raised.value)
    assert str(raised.value).startswith("causes.toml: ")


def test_a_placeholder_needs_every_pattern_to_define_it():
    text = GOOD.replace("patterns = ['E: Unable to locate package (?P<package>\\S+)']",
                        "patterns = ['E: Unable to locate package (?P<package>\\S+)', 'E: Package x']")
    with pytest.raises(BuildCausesError, match="nor a named group of every pattern"):
        parse(text)


def test_more_mistakes_of_the_whole_file():
    with pytest.raises(BuildCausesError, match="given twice"):
        parse(GOOD + GOOD.split("\n", 1)[1])
    with pytest.raises(BuildCausesError, match="matches an empty line"):
        parse(GOOD.replace("'E: Unable to locate package (?P<package>\\S+)'", "'abc|(?P<package>)'"))
    with pytest.raises(BuildCausesError, match="causes: array should have at least 1 item"):
        parse('schema = "graders.build-causes/1"\ncauses = []\n')
    with pytest.raises(BuildCausesError, match="No such file"):
        build_causes.load(Path("/nonexistent/build_causes.toml"))
