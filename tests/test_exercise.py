"""Exercise folders: loaded strictly, their mistakes reported as the instructor's, never as a student's failure."""

import json
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from graders.checks.base import Kind
from graders.cli import main
from graders.exercise import DEFAULT_EXERCISE, ExerciseError, available, configured_exercise, load_exercise

TASKS = ["task1", "task2", "task3-1", "task3-2", "nonroot"]
HEADER = """\
schema = "graders.exercise/1"
name = "course"
title = "A course"
version = "1"
starter = ["app"]
"""
TASK = '[tasks.t]\ntitle = "T"\ndockerfiles = ["Dockerfile"]\ntag = "t:1"\n'


def folder(tmp_path, body, header=HEADER):
    root = tmp_path / "course"
    (root / "app").mkdir(parents=True)
    (root / "exercise.toml").write_text(header + textwrap.dedent(body))
    return root


def test_the_default_exercise_has_every_task_of_the_2022_edition():
    exercise = load_exercise()
    assert exercise.name == DEFAULT_EXERCISE
    assert list(exercise.tasks) == TASKS
    assert exercise.tasks["task3-2"].dockerfiles == ("dockerfile-task-3-2", "dockerfile-task-3")
    assert exercise.tasks["nonroot"].tag == "nonroot-image-fastapi:dev"
    assert exercise.tasks["task3-1"].make_name == "Task3-1"


def test_every_shipped_exercise_loads():
    assert DEFAULT_EXERCISE in available()
    for path in available().values():
        load_exercise(path)


def test_every_static_check_of_the_exercise_is_graded_somewhere():
    exercise = load_exercise()
    used = {spec.id for task in exercise.tasks.values() for spec in task.checks if spec.check.kind is Kind.STATIC}
    assert {"base-image", "cmd", "non-root-user", "poetry-project", "one-command-per-run"} <= used


def test_parameters_are_frozen_to_tuples():
    entrypoint = load_exercise().tasks["nonroot"].spec("entrypoint")
    assert entrypoint.parameters["accepted"] == (("uvicorn",), ("poetry", "run"))


def test_an_exercise_is_found_by_name_or_by_folder(tmp_path):
    root = folder(tmp_path, TASK + "[tasks.t.checks]\nbase-image = { image = \"alpine:3\" }\n")
    assert load_exercise(root).name == "course"
    assert load_exercise(root / "exercise.toml").tasks["t"].base_image == "alpine:3"


def test_an_entry_runs_a_generic_check_under_its_own_id_with_its_values_in_title_and_hint(tmp_path):
    root = folder(tmp_path, TASK + """\
        [tasks.t.checks]
        from-alpine = { check = "base-image", image = "alpine:3", points = 2, hint = "Write `FROM {image}` for {task_tag}." }
        """)
    spec = load_exercise(root).tasks["t"].spec("from-alpine")
    assert (spec.check.id, spec.points, spec.parameters) == ("base-image", 2, {"image": "alpine:3"})
    assert spec.hint == "Write `FROM alpine:3` for t:1."


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (TASK + "[tasks.t.checks]\nno-such-check = {}\n", "task t: check 'no-such-check': unknown check 'no-such-check'"),
        (TASK + "[tasks.t.checks]\nbase-image = { imag = \"x\" }\n", "check 'base-image': image: missing; imag: unknown key"),
        (TASK + "[tasks.t.checks]\nbase-image = {}\n", "check 'base-image': image: missing"),
        (TASK + "[tasks.t.checks]\nbase-image = { image = [\"ubuntu:20.04\"] }\n",
         "check 'base-image': image: input should be a valid string, found an array [\"ubuntu:20.04\"]"),
        (TASK + "[tasks.t.checks]\nbase-image = { image = \"x\", aliases = \"y\" }\n",
         "check 'base-image': aliases: input should be a valid array, found a string \"y\""),
        (TASK + "[tasks.t.checks]\nbase-image = { image = \"x\", points = -1 }\n",
         "points: expected a whole number >= 0, found a number -1"),
        (TASK + "[tasks.t.checks]\nbase-image = { image = \"x\", points = true }\n",
         "points: expected a whole number >= 0, found a boolean true"),
        (TASK + "[tasks.t.checks]\nbase-image = \"ubuntu\"\n", "tasks.t.checks.base-image: input should be a valid table, found a string \"ubuntu\""),
        (TASK + "colour = \"red\"\n[tasks.t.checks]\n", "tasks.t.colour: unknown key"),
        ('[tasks.t]\ntitle = "T"\n[tasks.t.checks]\n', "tasks.t.dockerfiles: missing; tasks.t.tag: missing"),
        ('[tasks.t]\ntitle = "T"\ndockerfiles = "Dockerfile"\ntag = "t:1"\n[tasks.t.checks]\n',
         "tasks.t.dockerfiles: input should be a valid array, found a string \"Dockerfile\""),
        (TASK + "[tasks.t.checks]\nbase-image = { image = \"x\", hint = \"use {imag}\" }\n",
         "check 'base-image': hint: unknown placeholder {imag} (known: {image}, {aliases}, {task_id}"),
        (TASK + "[tasks.t.checks]\nbase-image = { image = \"x\", hint = \"a { brace\" }\n", "hint: "),
        (TASK + "[tasks.t.checks]\nbase-image = { image = \"x\", hint = 3 }\n", "hint: expected a string, found a number 3"),
        (TASK + "[tasks.t.checks]\nbase-image = { image = \"x\" }\nbase-image = { image = \"y\" }\n", "given twice?"),
        ("[tasks\n", "exercise.toml"),
    ],
)
def test_mistakes_in_an_exercise_name_the_file_the_task_the_check_and_the_key(tmp_path, body, message):
    with pytest.raises(ExerciseError) as raised:
        load_exercise(folder(tmp_path, body))
    assert message in str(raised.value)
    assert "exercise.toml" in str(raised.value)


def test_a_missing_starter_file_is_named(tmp_path):
    root = folder(tmp_path, TASK + "[tasks.t.checks]\n", header=HEADER.replace('["app"]', '["app", "pyproject.toml"]'))
    with pytest.raises(ExerciseError, match="the starter file 'pyproject.toml' is not in"):
        load_exercise(root)


def test_the_schema_and_the_name_are_read_first(tmp_path):
    with pytest.raises(ExerciseError, match="schema"):
        load_exercise(folder(tmp_path, TASK, header=HEADER.replace("exercise/1", "exercise/9")))
    with pytest.raises(ExerciseError, match="`name` is 'other', but the folder is 'course'"):
        load_exercise(folder(tmp_path / "b", TASK + "[tasks.t.checks]\n", header=HEADER.replace('"course"', '"other"')))


def test_an_unknown_exercise_lists_the_available_ones():
    with pytest.raises(ExerciseError, match=f"no exercise 'nope': .*{DEFAULT_EXERCISE}"):
        load_exercise("nope")


def test_unknown_task_selection_names_the_known_ones():
    with pytest.raises(ExerciseError, match="unknown task task4; the tasks of docker-fundamentals-2022 are task1, task2"):
        load_exercise().select(["task4"])


def test_an_exercise_registers_its_own_checks(tmp_path):
    root = folder(tmp_path, TASK + "[tasks.t.checks]\nsays-hello = { greeting = \"hello\" }\n")
    (root / "checks").mkdir()
    (root / "checks" / "says_hello.py").write_text(textwrap.dedent('''\
        from graders.checks.base import static_check
        from graders.core import failed, passed


        @static_check("says-hello", title="Says {greeting}", hint="Add `LABEL greeting={greeting}`.")
        def check(context, *, greeting: str):
            labels = [value for i in context.dockerfile.instructions if i.keyword == "LABEL"
                      for _key, value in i.key_values()]
            return passed() if greeting in labels else failed(f"no LABEL says {greeting}")
        '''))
    spec = load_exercise(root).tasks["t"].spec("says-hello")
    assert (spec.title, spec.hint) == ("Says hello", "Add `LABEL greeting=hello`.")
    (root / "Dockerfile").write_text("FROM alpine:3\nLABEL greeting=hello\n")
    result = CliRunner().invoke(main, ["grade", str(root), "--exercise", str(root), "--static-only", "--no-advisories",
                                       "--jobs", "2", "--out", str(tmp_path / "run")])
    assert result.exit_code == 0, result.output
    assert "t: 1/1" in result.output or "1/1" in result.output


def test_a_broken_local_check_is_the_exercise_authors_error(tmp_path):
    root = folder(tmp_path, TASK + "[tasks.t.checks]\n")
    (root / "checks").mkdir()
    (root / "checks" / "broken.py").write_text("import nothing_of_that_name\n")
    with pytest.raises(ExerciseError, match="broken.py: cannot be loaded: ModuleNotFoundError"):
        load_exercise(root)


@pytest.mark.parametrize("command", ["grade", "merge"])
def test_the_command_line_exits_2_with_the_message_and_grades_nothing(tmp_path, command):
    root = folder(tmp_path, TASK + "[tasks.t.checks]\nbase-image = { image = 3 }\n")
    (tmp_path / "alice").mkdir()
    (tmp_path / "alice" / "Dockerfile").write_text("FROM alpine:3\n")
    (tmp_path / "run").mkdir()
    paths = [str(tmp_path / "alice")] if command == "grade" else [str(tmp_path / "run")]
    result = CliRunner().invoke(main, [command, *paths, "--exercise", str(root), "--out", str(tmp_path / "out")])
    assert result.exit_code == 2
    assert "check 'base-image': image: input should be a valid string, found a number 3" in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "out").exists()


def test_exercises_lists_what_is_available():
    result = CliRunner().invoke(main, ["exercises"])
    assert result.exit_code == 0
    assert f"{DEFAULT_EXERCISE}  Docker fundamentals, 2022 edition  [default]" in result.output


def test_a_run_folder_remembers_its_exercise_for_resume_and_merge(tmp_path):
    root = folder(tmp_path, TASK + "[tasks.t.checks]\nbase-image = { image = \"alpine:3\" }\n")
    (tmp_path / "class" / "alice").mkdir(parents=True)
    (tmp_path / "class" / "alice" / "Dockerfile").write_text("FROM alpine:3\n")
    run = tmp_path / "class" / "run"  # --out inside the graded folder: never taken for a student
    graded = CliRunner().invoke(main, ["grade", str(tmp_path / "class"), "--exercise", str(root), "--static-only",
                                       "--no-advisories", "--out", str(run)])
    assert graded.exit_code == 0, graded.output
    document = json.loads((run / "results.json").read_text())
    assert document["run"]["exercise"] == "course" and document["run"]["exercise_version"] == "1"
    assert document["run"]["exercise_digest"].startswith("sha256:")
    assert [s["id"] for s in document["submissions"]] == ["alice"]
    resumed = CliRunner().invoke(main, ["grade", str(tmp_path / "class"), "--static-only", "--no-advisories",
                                        "--resume", "--out", str(run)])
    assert resumed.exit_code == 0, resumed.output
    merged = CliRunner().invoke(main, ["merge", str(run), "--out", str(tmp_path / "merged")])
    assert merged.exit_code == 0, merged.output
    assert json.loads((tmp_path / "merged" / "results.json").read_text())["run"]["exercise"] == "course"
    other = CliRunner().invoke(main, ["grade", str(tmp_path / "class"), "--exercise", DEFAULT_EXERCISE,
                                      "--static-only", "--no-advisories", "--out", str(run)])
    assert other.exit_code == 2 and "holds results graded against" in other.output


def test_a_submission_graded_with_the_wrong_edition_gets_ordinary_verdicts(tmp_path):
    later = load_exercise("docker-fundamentals-2023").folder / "submissions" / "model-solution"
    result = CliRunner().invoke(main, ["grade", str(later), "--exercise", "docker-fundamentals-2022", "--static-only",
                                       "--no-advisories", "--out", str(tmp_path / "run")])
    assert result.exit_code == 0, result.output
    [submission] = json.loads((tmp_path / "run" / "results.json").read_text())["submissions"]
    assert [task["status"] for task in submission["tasks"]] == ["graded"] * 5  # Dockerfile-task-1 for dockerfile-task-1
    statuses = {check["status"] for task in submission["tasks"] for check in task["checks"]}
    assert "error" not in statuses
    base = next(c for c in submission["tasks"][2]["checks"] if c["id"] == "base-image")
    assert base["status"] == "failed" and "the task requires `python:3.8.12`" in base["message"]


def test_the_repo_roots_starter_files_are_the_configured_exercises():
    """The repo root is the students' copy of their exercise: its app and project files are that exercise's."""
    root = Path(__file__).resolve().parents[1]
    exercise = load_exercise(configured_exercise(root))
    for name in exercise.starter:
        shipped, copy = exercise.folder / name, root / name
        files = [p.relative_to(shipped) for p in sorted(shipped.rglob("*")) if p.is_file()
                 and "__pycache__" not in p.parts] if shipped.is_dir() else [Path()]
        for relative in files:
            assert (copy / relative).read_bytes() == (shipped / relative).read_bytes(), copy / relative
