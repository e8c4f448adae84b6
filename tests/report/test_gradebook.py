"""grades.csv: a row per student, each task's score and max in rubric order, totals; safe in a spreadsheet."""

import csv
import io

import pytest

from graders.report import gradebook
from graders.report.common import full_max

from .classbuilder import FORMULA, RUBRIC, make_class, submission, task


def read(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))


def test_exact_output():
    results = [
        submission("ada", task("task1"), task("task2", fail={"no-install-recommends": (5, "x")})),
        submission("bob", task("task1", missing=True)),
    ]
    task2_max = results[0].tasks[1].max_score
    assert gradebook.render(results, RUBRIC) == (
        "id,task1_score,task1_max,task2_score,task2_max,total,total_max\r\n"
        f"ada,13,13,{task2_max - 1},{task2_max},{13 + task2_max - 1},{13 + task2_max}\r\n"
        f"bob,0,{full_max(RUBRIC, 'task1')},0,{full_max(RUBRIC, 'task2')},0,"
        f"{full_max(RUBRIC, 'task1') + full_max(RUBRIC, 'task2')}\r\n"
    )


def test_columns_follow_the_rubric_and_totals_add_up():
    rows = read(gradebook.render(make_class(), RUBRIC))
    header = rows[0]
    assert header == ["id", *(f"{t}_{part}" for t in RUBRIC.tasks for part in ("score", "max")), "total", "total_max"]
    for row in rows[1:]:
        numbers = list(map(int, row[1:]))
        assert numbers[-2] == sum(numbers[0:-2:2]) and numbers[-1] == sum(numbers[1:-2:2])


@pytest.mark.parametrize("student", ['smith, "jo"', "two\nlines", 'quote"inside', "tab\tinside", "Zoë Ünal"])
def test_odd_ids_round_trip(student):
    rows = read(gradebook.render([submission(student, task("task1"))], RUBRIC))
    assert rows[1][0] == student and len(rows[1]) == len(rows[0])


@pytest.mark.parametrize("student", ["=1+2", "+1", "-1", "@SUM(A1)", "\tx", "\rx", FORMULA])
def test_formula_injection_is_defused(student):
    rows = read(gradebook.render([submission(student, task("task1"))], RUBRIC))
    assert rows[1][0] == "'" + student


def test_an_empty_class_has_a_header():
    assert gradebook.render([], RUBRIC) == "id,total,total_max\r\n"
