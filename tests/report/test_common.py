"""The numbers every format shares: totals, absent tasks, check statistics, file names for odd ids."""

import pytest

from graders.core import Status
from graders.report.common import (
    ABSENT,
    GRADED,
    MISSING,
    check_stats,
    clean,
    full_max,
    human_size,
    rows,
    slug,
    slugs,
    task_ids,
    task_stats,
)

from .classbuilder import HOSTILE, RUBRIC, full_marks, make_class, submission, task


def test_rows_follow_the_rubric_and_count_an_absent_task_at_its_full_max():
    results = [submission("b", task("task2"), task("task1")), submission("a", task("task1"))]
    tasks, table = rows(results, RUBRIC)
    assert tasks == ["task1", "task2"]
    absent = table[1].cell("task2")
    assert (absent.status, absent.score, absent.max_score) == (ABSENT, 0, full_max(RUBRIC, "task2"))
    assert table[1].total_max == results[1].max_score + full_max(RUBRIC, "task2")
    assert table[0].total == results[0].score and table[0].total_max == results[0].max_score


def test_a_missing_task_keeps_its_result():
    result = submission("a", task("task1", missing=True))
    cell = rows([result], RUBRIC)[1][0].cell("task1")
    assert (cell.status, cell.score, cell.max_score) == (MISSING, 0, full_max(RUBRIC, "task1"))


def test_tasks_unknown_to_the_rubric_come_last():
    from graders.results import TaskResult
    results = [submission("a", TaskResult("extra", "graded", "x", ()), task("task1"))]
    assert task_ids(results, RUBRIC) == ["task1", "extra"]


def test_task_stats_count_graded_and_missing():
    tasks, table = rows(make_class(), RUBRIC)
    stats = task_stats(table, "nonroot")
    assert (stats.graded, stats.missing) == (5, 3)  # chen and the hostile id: missing; eve: never graded
    assert stats.median == 12


def test_check_stats_ignore_missing_tasks_skips_and_errors():
    results = [
        submission("a", task("task2", fail={"no-install-recommends": (5, "x")}), task("task1", missing=True)),
        submission("b", task("task2", error={"builds": "engine down"})),
    ]
    stats = {s.id: s for s in check_stats(results)}
    assert (stats["no-install-recommends"].failed, stats["no-install-recommends"].judged) == (1, 2)
    assert stats["no-install-recommends"].by_task == {"task2": [1, 2]}
    assert stats["builds"].errors == 1 and stats["builds"].judged == 0
    assert "one-command-per-run" not in stats  # task1 only, and task1 was missing
    assert check_stats(results)[0].id == "no-install-recommends"


@pytest.mark.parametrize("student, expected", [
    ("alice", "alice"),
    ("alice.smith_2", "alice.smith_2"),
    ("Alice", "alice-"),
    ("Zoë Ünal", "zoe-unal-"),
    ("../../etc/passwd", "etc-passwd-"),
    ("..", "student-"),
    ("a/b\\c", "a-b-c-"),
    ("con", "con-"),
    ("学生", "student-"),
    ("bad\udcffbytes", "badbytes-"),
    (HOSTILE, "script-alert-id-script-"),
])
def test_slugs_are_safe_file_names(student, expected):
    name = slug(student)
    assert name.startswith(expected) and (name == student or len(name) == len(expected) + 8)
    assert "/" not in name and "\\" not in name and name not in (".", "..") and not name.startswith(".")
    assert len(name) <= 70


def test_slugs_never_collide():
    ids = ["alice", "Alice", "ALICE", "alice ", "al/ice", "al\\ice", "alice-" + slug("Alice")[-8:], "学生", "学习"]
    names = slugs(ids)
    assert len(set(names.values())) == len(ids)
    assert len({name.lower() for name in names.values()}) == len(ids)


def test_clean_replaces_what_no_utf8_file_can_hold():
    assert clean("a\x00b\x1bc\ud800d\te\nf") == "a\ufffdb\ufffdc\ufffdd\te\nf"


@pytest.mark.parametrize("size, text", [(999, "999 B"), (1500, "1.5 kB"), (187_400_000, "187 MB"),
                                        (1_180_000_000, "1.2 GB"), (99_960_000, "100 MB")])
def test_human_size(size, text):
    assert human_size(size) == text


def test_graded_cells_keep_the_result():
    cell = rows([full_marks("a")], RUBRIC)[1][0].cell("task1")
    assert cell.status == GRADED and cell.result.checks[0].status is Status.PASSED
