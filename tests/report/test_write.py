"""write_reports: every format in the run folder, written atomically, their totals in agreement."""

import csv
import io
import json
import os
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from graders import files
from graders.report.common import full_max, slugs
from graders.report.formats import BY_NAME, DEFAULT_FORMATS, FORMATS, OPTIONAL_FORMATS
from graders.report.write import write_reports
from graders.results import SubmissionResult

from .classbuilder import FORMULA, RUBRIC, make_class


@pytest.fixture(autouse=True)
def no_github(monkeypatch):
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)


def relative(paths: list[Path], root: Path) -> set[str]:
    return {path.relative_to(root).as_posix() for path in paths}


def test_default_formats(tmp_path):
    results = make_class()
    written = write_reports(results, tmp_path, exercise=RUBRIC)
    names = slugs([s.id for s in results]).values()
    assert relative(written, tmp_path) == {
        "results.json", "junit.xml", "grades.csv", "summary.md", "index.html",
        *(f"students/{name}.html" for name in names), *(f"feedback/{name}.md" for name in names)}
    assert {p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*") if p.is_file()} == relative(written, tmp_path)
    assert json.loads((tmp_path / "results.json").read_text())["schema"] == "graders.results/1"
    assert "gradescope" not in DEFAULT_FORMATS


def test_gradescope_on_request_and_a_subset(tmp_path):
    written = write_reports(make_class(), tmp_path, formats={"csv", "gradescope"}, exercise=RUBRIC)
    assert {p.parts[len(tmp_path.parts)] for p in written} == {"grades.csv", "gradescope"}
    assert len([p for p in written if p.suffix == ".json"]) == 8


def test_unknown_format(tmp_path):
    with pytest.raises(ValueError, match="unknown report format.*pdf"):
        write_reports([], tmp_path, formats={"pdf"})


def test_one_registry_names_every_format_and_whether_a_run_writes_it_unasked():
    assert [report.name for report in FORMATS] == ["json", "junit", "csv", "summary", "dashboard", "feedback",
                                                  "gradescope"]
    assert DEFAULT_FORMATS == set(BY_NAME) - {"gradescope"} and OPTIONAL_FORMATS == ("gradescope",)


@pytest.mark.parametrize("command", ["grade", "merge"])
def test_the_command_line_offers_the_registry_s_optional_formats(command):
    from graders.cli import main

    option = next(o for o in main.commands[command].params if o.name == "formats")
    assert tuple(option.type.choices) == OPTIONAL_FORMATS


def test_odd_ids_never_escape_the_folder(tmp_path):
    ids = ["../../escape", "/abs/path", "..", ".", "a/../../b", "\udcff", "Zoë", "zoë", "ZOË", "con"]
    results = [SubmissionResult(student, ()) for student in ids]
    run_dir = tmp_path / "run"
    written = write_reports(results, run_dir, formats=set(BY_NAME), exercise=RUBRIC)
    for path in written:
        assert path.resolve().is_relative_to(run_dir.resolve())
    assert len([p for p in written if p.parent.name == "feedback"]) == len(ids)
    assert not (tmp_path / "escape.md").exists()


def test_atomic_writes_leave_the_old_file_whole_on_failure(tmp_path, monkeypatch):
    write_reports(make_class(), tmp_path, formats={"csv"}, exercise=RUBRIC)
    before = (tmp_path / "grades.csv").read_bytes()

    def crash(source, target):
        raise OSError("disk full")

    monkeypatch.setattr(files.os, "replace", crash)
    with pytest.raises(OSError, match="disk full"):
        write_reports(make_class()[:1], tmp_path, formats={"csv"}, exercise=RUBRIC)
    assert (tmp_path / "grades.csv").read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["grades.csv"]  # no temporary file left


def test_files_are_readable_utf8_with_the_usual_permissions(tmp_path):
    old = os.umask(0o022)
    try:
        write_reports(make_class(), tmp_path, formats={"csv", "summary"}, exercise=RUBRIC)
    finally:
        os.umask(old)
    assert (tmp_path / "grades.csv").stat().st_mode & 0o777 == 0o644
    assert "Zoë Ünal" in (tmp_path / "grades.csv").read_text(encoding="utf-8")


def test_step_summary_only_when_asked(tmp_path, monkeypatch):
    target = tmp_path / "step.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(target))
    write_reports(make_class(), tmp_path / "a", formats={"summary"}, exercise=RUBRIC)
    assert not target.exists()
    write_reports(make_class(), tmp_path / "b", formats={"summary"}, exercise=RUBRIC, step_summary=True)
    assert target.read_text(encoding="utf-8") == (tmp_path / "b" / "summary.md").read_text(encoding="utf-8")


class _Totals(HTMLParser):
    def __init__(self):
        super().__init__()
        self.student, self.found = None, {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "tr" and "data-student" in attrs:
            self.student = attrs["data-student"]
        if tag == "td" and "total" in attrs.get("class", "").split():
            self.found[self.student] = (int(attrs["data-score"]), int(attrs["data-max"]))


def test_totals_agree_across_results_json_grades_csv_summary_and_dashboard(tmp_path):
    results = make_class()
    results = [r for r in results if r.id != "eve"]  # eve's nonroot was never graded: results.json has no such task
    write_reports(results, tmp_path, exercise=RUBRIC)

    document = json.loads((tmp_path / "results.json").read_text(encoding="utf-8"))
    from_json = {s["id"]: (sum(t["score"] for t in s["tasks"]), sum(t["max_score"] for t in s["tasks"]))
                 for s in document["submissions"]}

    rows = list(csv.DictReader(io.StringIO((tmp_path / "grades.csv").read_text(encoding="utf-8"), newline="")))
    from_csv = {row["id"].removeprefix("'") if row["id"].startswith("'=") else row["id"]:
                (int(row["total"]), int(row["total_max"])) for row in rows}

    text = (tmp_path / "summary.md").read_text(encoding="utf-8")
    table = text.split("<details>")[1].split("</details>")[0]
    from_summary = [tuple(map(int, re.search(r"\| (\d+)/(\d+) \|$", line).groups()))
                    for line in table.splitlines() if line.startswith("| ") and not line.startswith("| Student")]

    parser = _Totals()
    parser.feed((tmp_path / "index.html").read_text(encoding="utf-8"))

    assert set(from_json) == set(from_csv) == set(parser.found) == {r.id for r in results}
    assert from_json == from_csv == parser.found
    assert from_summary == [from_json[r.id] for r in results]  # summary rows are in the class's order
    assert from_json[FORMULA] == (results[-1].score, results[-1].max_score)
    assert len(set(from_json.values())) > 3  # a class with different totals, not a vacuous agreement


def test_a_task_never_graded_counts_its_full_max_in_every_gradebook(tmp_path):
    results = make_class()
    write_reports(results, tmp_path, exercise=RUBRIC)
    eve = next(r for r in results if r.id == "eve")
    expected = (eve.score, eve.max_score + full_max(RUBRIC, "nonroot"))
    row = next(row for row in csv.DictReader(io.StringIO((tmp_path / "grades.csv").read_text(), newline=""))
               if row["id"] == "eve")
    assert (int(row["total"]), int(row["total_max"])) == expected
    summary = (tmp_path / "summary.md").read_text()
    assert next(line for line in summary.splitlines() if line.startswith("| eve |")).endswith(
        f"| {expected[0]}/{expected[1]} |")
    parser = _Totals()
    parser.feed((tmp_path / "index.html").read_text(encoding="utf-8"))
    assert parser.found["eve"] == expected
