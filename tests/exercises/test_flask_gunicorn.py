"""The second course, flask-gunicorn, graded by the harness as it ships: its exercise folder loads (its own checks
`gunicorn-bind` and `requirements-first` included), its model solution gets every static point and each of its
common mistakes is reported under its check id, on its line, with a message that says what to write. Graded as an
instructor does, through the command line:
`python -m graders grade ... --exercise flask-gunicorn --static-only --no-advisories --json FILE`."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from graders.checks.base import Kind
from graders.exercise import load_exercise

ROOT = Path(__file__).resolve().parents[2]
EXERCISE = ROOT / "exercises" / "flask-gunicorn"


@pytest.fixture(scope="module")
def exercise():
    return load_exercise("flask-gunicorn")


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """{submission: {task: task result}} of both bundled submissions, graded statically through the CLI."""
    out = tmp_path_factory.mktemp("flask-gunicorn")
    completed = subprocess.run(
        [sys.executable, "-m", "graders", "grade", str(EXERCISE / "submissions"), "--exercise", "flask-gunicorn",
         "--static-only", "--no-advisories", "--jobs", "2", "--out", str(out / "run"), "--json",
         str(out / "results.json")],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )
    assert completed.returncode == 0, completed.stderr[-2000:]
    document = json.loads((out / "results.json").read_text(encoding="utf-8"))
    assert document["schema"] == "graders.results/1"
    return {submission["id"]: {task["task"]: task for task in submission["tasks"]}
            for submission in document["submissions"]}


def checks_of(task: dict) -> dict[str, dict]:
    return {check["id"]: check for check in task["checks"]}


def test_the_exercise_loads_with_its_own_check_and_no_edit_to_graders(exercise):
    assert (exercise.name, exercise.title, exercise.version) == ("flask-gunicorn", "Containerising a Flask app", "2026")
    assert list(exercise.tasks) == ["image", "nonroot"]
    assert exercise.offline_bases == {"python:3.11-slim": "python-slim"}
    assert exercise.student.port == 5000
    image, nonroot = exercise.tasks["image"], exercise.tasks["nonroot"]
    assert (image.dockerfiles, image.tag, image.make_name) == (("Dockerfile",), "flask-hello:1.0", "Image")
    assert (nonroot.dockerfiles, nonroot.tag, nonroot.make_name) == (("Dockerfile.nonroot",), "flask-hello:nonroot",
                                                                     "Nonroot")
    assert exercise.dockerfile_names == {"dockerfile", "dockerfile.nonroot"}
    for task in (image, nonroot):
        assert task.spec("requirements-first").check.origin == (EXERCISE / "checks" / "requirements_first.py").resolve()
        bind = task.spec("gunicorn-bind")
        assert bind.check.origin == (EXERCISE / "checks" / "gunicorn_bind.py").resolve()
        assert bind.parameters == {"app": "web.app:app", "bind": "0.0.0.0:5000"}
        assert task.base_image == "python:3.11-slim"
    assert nonroot.spec("non-root-user").parameters == {"uid": 1000}
    assert nonroot.spec("runs-as-non-root").parameters == {"uid": 1000}
    assert exercise.digest.startswith("sha256:")


def test_the_starter_requirements_pin_the_apps_packages_as_the_rubric_does(exercise):
    [pins] = exercise.tasks["image"].spec("pinned-python-packages").parameters.values()
    pinned = set(pins)
    lines = {line.strip() for line in (EXERCISE / "requirements.txt").read_text().splitlines()
             if line.strip() and not line.startswith("#")}
    assert lines == pinned
    model = EXERCISE / "submissions" / "model-solution" / "requirements.txt"
    assert model.read_text() == (EXERCISE / "requirements.txt").read_text()


def test_the_model_solution_gets_every_static_point(exercise, graded):
    tasks = graded["model-solution"]
    assert list(tasks) == ["image", "nonroot"]
    for task_id, task in tasks.items():
        assert task["status"] == "graded", task_id
        kinds = {spec.id: spec.check.kind for spec in exercise.tasks[task_id].checks}
        static = {check_id: check for check_id, check in checks_of(task).items() if kinds[check_id] is Kind.STATIC}
        assert static and set(static) == {spec.id for spec in exercise.tasks[task_id].checks
                                          if spec.check.kind is Kind.STATIC}
        not_passed = {check_id: check["message"] for check_id, check in static.items() if check["status"] != "passed"}
        assert not_passed == {}, task_id
        dynamic = [check for check_id, check in checks_of(task).items() if kinds[check_id] is Kind.DYNAMIC]
        assert dynamic and all(check["status"] == "skipped" for check in dynamic)
        assert task["score"] == task["max_score"] == len(static)


# (task, check, line or None, what the message says): each mistake of submissions/common-mistakes.
MISTAKES = [
    ("image", "pip-no-cache-dir", 4, "--no-cache-dir"),
    ("image", "requirements-first", 3, "`COPY . .` (line 3) copies the whole build context before "
                                       "`pip install -r requirements.txt` (line 4)"),
    ("image", "pinned-python-packages", 4, "`flask` is not pinned to a version; write `flask==3.1.3`"),
    ("image", "entrypoint", None, 'no ENTRYPOINT; add `ENTRYPOINT ["gunicorn"]`'),
    ("image", "gunicorn-bind", 6, "`CMD gunicorn --bind 0.0.0.0:5000 web.app:app` is shell form"),
    ("nonroot", "pinned-python-packages", 4, "`flask` is not pinned to a version"),
    ("nonroot", "non-root-user", 8, "`USER root` (after `USER app` on line 6) makes the container run as root"),
    ("nonroot", "gunicorn-bind", 12,
     "with `--bind 127.0.0.1:5000` in `gunicorn -b 127.0.0.1:5000 web.app:app`, gunicorn listens on 127.0.0.1:5000, "
     'inside the container only: nothing outside it, not even a published port, reaches that address; write '
     '`CMD ["--bind", "0.0.0.0:5000", "web.app:app"]`'),
]


@pytest.mark.parametrize(("task_id", "check_id", "line", "says"), MISTAKES,
                         ids=[f"{task}-{check}" for task, check, _line, _says in MISTAKES])
def test_each_common_mistake_is_reported_under_its_check_and_line(graded, task_id, check_id, line, says):
    check = checks_of(graded["common-mistakes"][task_id])[check_id]
    assert check["status"] == "failed", check
    assert check["line"] == line, check
    assert says in check["message"], check["message"]
    assert check["hint"]


def test_the_common_mistakes_fail_nothing_else(graded):
    failed = {(task_id, check["id"]) for task_id, task in graded["common-mistakes"].items()
              for check in task["checks"] if check["status"] == "failed"}
    assert failed == {(task, check) for task, check, _line, _says in MISTAKES}


def test_the_exercises_own_check_reads_with_its_parameters_in_reports(graded):
    check = checks_of(graded["common-mistakes"]["image"])["gunicorn-bind"]
    assert check["title"] == "gunicorn serves web.app:app on 0.0.0.0:5000"
    assert '`CMD ["--bind", "0.0.0.0:5000", "web.app:app"]`' in check["hint"]
