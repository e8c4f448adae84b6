"""The rubric file: loaded strictly, its mistakes reported as rubric errors; a new edition is an edit of data."""

import pytest

from graders.checks.base import Kind
from graders.rubric import RubricError, load_rubric

TASKS = ["task1", "task2", "task3-1", "task3-2", "nonroot"]


def write(tmp_path, body):
    path = tmp_path / "rubric.toml"
    path.write_text('schema = "graders.rubric/1"\n' + body)
    return path


def test_bundled_rubric_has_every_task_of_the_exercise():
    rubric = load_rubric()
    assert list(rubric.tasks) == TASKS
    assert rubric.tasks["task3-2"].dockerfiles == ("dockerfile-task-3-2", "dockerfile-task-3")
    assert rubric.tasks["nonroot"].tag == "nonroot-image-fastapi:dev"


def test_every_static_check_of_the_rubric_is_graded_somewhere():
    rubric = load_rubric()
    used = {spec.id for task in rubric.tasks.values() for spec in task.checks if spec.check.kind is Kind.STATIC}
    assert {"base-image", "cmd", "non-root-user", "poetry-project", "one-command-per-run"} <= used


def test_parameters_are_frozen_to_tuples():
    entrypoint = load_rubric().tasks["nonroot"].spec("entrypoint")
    assert entrypoint.parameters["accepted"] == (("uvicorn",), ("poetry", "run"))


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ('[tasks.t]\ntitle="T"\ndockerfiles=["d"]\ntag="t:1"\n[tasks.t.checks]\nno-such-check = {}\n',
         "unknown check 'no-such-check'"),
        ('[tasks.t]\ntitle="T"\ndockerfiles=["d"]\ntag="t:1"\n[tasks.t.checks]\nexpose-8000 = { prot = 1 }\n',
         "unknown parameter(s) prot (known: port)"),
        ('[tasks.t]\ntitle="T"\ndockerfiles=["d"]\ntag="t:1"\n[tasks.t.checks]\nbase-image = {}\n',
         "missing parameter(s) image"),
        ('[tasks.t]\ntitle="T"\ndockerfiles=["d"]\ntag="t:1"\ncolour="red"\n[tasks.t.checks]\n', "unknown key(s) colour"),
        ('[tasks.t]\ntitle="T"\n[tasks.t.checks]\n', "missing key(s) dockerfiles, tag"),
        ('[tasks.t]\ntitle="T"\ndockerfiles=["d"]\ntag="t:1"\n[tasks.t.checks]\nexpose-8000 = { points = -1 }\n',
         "points must be a whole number"),
        ("[tasks\n", "rubric.toml"),
    ],
)
def test_mistakes_in_the_rubric_are_rubric_errors(tmp_path, body, message):
    with pytest.raises(RubricError, match=None) as raised:
        load_rubric(write(tmp_path, body))
    assert message in str(raised.value)


def test_schema_is_read_first(tmp_path):
    path = tmp_path / "rubric.toml"
    path.write_text('schema = "graders.rubric/9"\n')
    with pytest.raises(RubricError, match="schema"):
        load_rubric(path)


def test_unknown_task_selection_names_the_known_ones():
    with pytest.raises(RubricError, match="unknown task task4; the rubric's tasks are task1, task2"):
        load_rubric().select(["task4"])
