"""Dynamic tests on a real Docker engine: one clear skip reason when there is none, shared fixture builds, and the
check that the suite leaves nothing labelled behind."""

from __future__ import annotations

import dataclasses
import os
import shutil
import textwrap
import time
from pathlib import Path

import pytest

from graders.checks.base import Kind
from graders.cleanup import remove_labelled
from graders.core import HarnessError, Status
from graders.dockerfile import parse
from graders.engine import Engine
from graders.exercise import CheckSpec, Exercise, TaskSpec, load_exercise
from graders.grading import GradingOptions
from graders.grading import grade as grade_submissions
from graders.labels import PID_LABEL
from graders.run_settings import RunSettings
from graders.session import DockerSession, DockerSessions, EngineLink
from graders.session_modes import BatchMode
from graders.submission import Submission, read_text_file

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures" / "dynamic"
BASE = os.environ.get("GRADERS_TEST_BASE", "python:3.8.12-slim")  # the fixtures' base image
_engine_problem: str | None = None
_engine: Engine | None = None


def pytest_configure(config):
    config.addinivalue_line("markers", "docker: needs a Docker engine (skipped, with the reason, when none answers)")


def _connect() -> Engine | None:
    global _engine, _engine_problem
    if _engine is None and _engine_problem is None:
        try:
            _engine = Engine.connect()
        except HarnessError as problem:
            _engine_problem = str(problem)
    return _engine


@pytest.fixture(scope="session")
def engine() -> Engine:
    """The engine of DOCKER_HOST (or the default socket); the Docker tests are skipped when none answers."""
    found = _connect()
    if found is None:
        pytest.skip(f"Docker tests skipped: {_engine_problem}")
    if found.inspect_image(BASE) is None:
        pytest.skip(f"Docker tests skipped: the base image {BASE} is missing; `make offline-bases` builds an offline "
                    "stand-in where it cannot be pulled")
    return found


@pytest.fixture(scope="session", autouse=True)
def nothing_left_behind():
    """After the suite, no container, image or network carries this test process's harness labels."""
    yield
    if _engine is None:
        return
    label = f"{PID_LABEL}={os.getpid()}"
    deadline = time.monotonic() + 10
    while True:
        left = {kind: [item.get("Id", "")[:19] for item in items] for kind, items in _engine.labelled(label).items()}
        if not any(left.values()) or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    remove_labelled(_engine, label)
    assert not any(left.values()), f"the Docker tests left labelled objects behind: {left}"


DOCKERFILE = """\
FROM {base}
ENV PYTHONUNBUFFERED 1
COPY app/fake_uvicorn.py /usr/local/bin/uvicorn
WORKDIR /server
COPY . /server
{extra}
EXPOSE 8000
ENTRYPOINT {entrypoint}
CMD {cmd}
"""
EXERCISE_CMD = '["app.main:app", "--host", "0.0.0.0", "--port", "8000"]'


def fixture_dockerfile(extra: str = "", entrypoint: str = '["uvicorn"]', cmd: str = EXERCISE_CMD) -> str:
    """An exercise-like Dockerfile around the fake uvicorn (tests/fixtures/dynamic/fake_uvicorn.py)."""
    return DOCKERFILE.format(base=BASE, extra=textwrap.dedent(extra).strip(), entrypoint=entrypoint, cmd=cmd)


@pytest.fixture(scope="session")
def make_submission(tmp_path_factory):
    """A submission folder holding `dockerfile` (as dockerfile-task-3-2, or `name`) and the fake uvicorn in app/."""
    made: dict[tuple, Submission] = {}

    def make(submission_id: str, dockerfile: str, name: str = "dockerfile-task-3-2") -> Submission:
        key = (submission_id, dockerfile, name)
        if key not in made:
            folder = tmp_path_factory.mktemp("submission") / submission_id
            (folder / "app").mkdir(parents=True)
            shutil.copy2(FIXTURES / "fake_uvicorn.py", folder / "app" / "fake_uvicorn.py")
            (folder / "app" / "fake_uvicorn.py").chmod(0o755)
            (folder / name).write_text(dockerfile)
            made[key] = Submission(submission_id, folder)
        return made[key]

    return make


def _dynamic_entries() -> dict[str, CheckSpec]:
    """The 2022 edition's dynamic check entries by id (`serves-hello-world` ...), with its task 1 parameters (the
    fixtures are task-1-like images: ENTRYPOINT ["uvicorn"], WORKDIR /server), nonroot's for runs-as-non-root,
    task 3-2's for the rest, and the `python` of the fixtures' python base image."""
    tasks = load_exercise("docker-fundamentals-2022").tasks
    entries: dict[str, CheckSpec] = {}
    for spec in tasks["task1"].checks + tasks["nonroot"].checks + tasks["task3-2"].checks:
        if spec.check.kind is Kind.DYNAMIC:
            entries.setdefault(spec.id, spec)
    python = entries["python-version"]
    entries["python-version"] = dataclasses.replace(python, parameters={**python.parameters, "executable": "python"})
    return entries


DYNAMIC = _dynamic_entries()


def task_spec(task_id: str = "task3-2", *, tag: str = "graders-test:dev", name: str = "dockerfile-task-3-2",
              checks: tuple[str, ...] | None = None, parameters: dict[str, dict] | None = None) -> TaskSpec:
    """A task running these dynamic checks of the 2022 edition (default: all but smaller-than-previous, which needs
    a `than`), with these parameters over the edition's."""
    parameters = parameters or {}
    wanted = checks or tuple(i for i in DYNAMIC if i != "smaller-than-previous" or i in parameters)
    specs = tuple(CheckSpec(i, DYNAMIC[i].check, 1, {**DYNAMIC[i].parameters, **parameters.get(i, {})},
                            DYNAMIC[i].title, DYNAMIC[i].hint) for i in wanted)
    return TaskSpec(task_id, "test", (name,), tag, specs)


def batch_sessions(engine: Engine | None = None, *, exercise: Exercise | None = None, run_id: str | None = None,
                   **settings) -> DockerSessions:
    """Batch-mode sessions of `exercise` (default: the default one) on `engine` (None: DOCKER_HOST's, connected on
    first use), with these RunSettings."""
    return DockerSessions(BatchMode(exercise or load_exercise()), EngineLink(engine=engine), RunSettings(**settings),
                          run_id)


def open_session(sessions: DockerSessions, submission: Submission, task: TaskSpec,
                 name: str = "dockerfile-task-3-2") -> DockerSession:
    """The session the runner opens for the submission's Dockerfile `name`, with its model parsed as grading does."""
    path = submission.path / name
    return sessions(submission, task, path, parse(read_text_file(path)))


def grade(sessions: DockerSessions, submission: Submission, task: TaskSpec) -> dict[str, object]:
    """The task's results through the real runner, by check id; `_seconds` is the wall time."""
    started = time.monotonic()
    result = grade_submissions([submission], [task], GradingOptions(session_factory=sessions))[0].tasks[0]
    verdicts: dict[str, object] = {check.id: check for check in result.checks}
    verdicts["_seconds"] = time.monotonic() - started
    verdicts["_image"] = result.image
    return verdicts


def assert_result(result, status: str, *fragments: str) -> None:
    __tracebackhide__ = True
    assert result.status is Status(status), f"expected {status}, got {result.status.value}: {result.message}"
    for fragment in fragments:
        assert fragment in result.message, f"expected {fragment!r} in {result.message!r}"


@pytest.fixture
def sessions(engine):
    """`sessions(**options)`: batch session factories on the engine (run timeout 20 s), closed after the test."""
    made = []

    def make(**options) -> DockerSessions:
        options.setdefault("run_timeout", 20.0)
        made.append(batch_sessions(engine, **options))
        return made[-1]

    yield make
    for item in made:
        item.close()
