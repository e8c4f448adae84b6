"""Hand-built results for the report tests: no Docker, no grading, every status and oddity on purpose."""

from __future__ import annotations

from graders.checks.base import Kind
from graders.core import Status
from graders.exercise import load_exercise
from graders.results import Advisory, CheckResult, ImageInfo, SubmissionResult, TaskResult

RUBRIC = load_exercise()
STATIC_ONLY = "static-only run: the image was not built"
NO_REGISTRY = "no registry configured"
HOSTILE = "<script>alert('id')</script>"
FORMULA = "=HYPERLINK(\"http://x\",\"y\"),\"q\"\nz"

FAT = """FROM ubuntu:20.04
ARG DEBIAN_FRONTEND=noninteractive
ENV PYTHONUNBUFFERED 1
RUN apt-get update
RUN apt-get install -y software-properties-common
RUN add-apt-repository -y ppa:deadsnakes/ppa
RUN apt-get update
RUN apt-get install -y python3.8 python3-pip
RUN python3.8 -m pip install fastapi==0.78.0 SQLAlchemy==1.4.36 alembic==1.7.7 "uvicorn[standard]==0.17.6"
WORKDIR /server
COPY . /server
EXPOSE 8000
ENTRYPOINT ["uvicorn"]
CMD ["app.main:app", "--host", "0.0.0.0", "--port", "8000"]
"""

SLIM = """FROM python:3.8.12-slim
ARG DEBIAN_FRONTEND=noninteractive
ENV PYTHONUNBUFFERED 1
WORKDIR /server
COPY . /server
RUN pip install --no-cache-dir poetry && poetry install --only main
EXPOSE 8000
ENTRYPOINT ["poetry", "run"]
CMD ["uvicorn", "app.main:app", "--host", "0.0.0.0", "--port", "8000"]
"""

MB = 1_000_000


def task(task_id: str, *, fail: dict[str, tuple[int | None, str]] | None = None, error: dict[str, str] | None = None,
         image: ImageInfo | None = None, source: str | None = None, missing: bool = False,
         advisories: tuple[Advisory, ...] = ()) -> TaskResult:
    """A task's result with every check of the rubric: `fail` id -> (line, message), `error` id -> message; the
    dynamic checks pass when there is an image and are skipped (static-only) when not; `pushed` is skipped."""
    spec = RUBRIC.tasks[task_id]
    fail, error = fail or {}, error or {}
    checks = []
    for check_spec in spec.checks:
        check, points = check_spec.check, check_spec.points

        def result(status: Status, message: str = "", line: int | None = None, earned: int = 0,
                   check_spec=check_spec, points=points) -> CheckResult:
            return CheckResult(check_spec.id, status, earned, points, check_spec.title, line, message, check_spec.hint)

        if missing:
            checks.append(result(Status.FAILED, f"missing: no `{spec.dockerfiles[0]}` in the submission"))
        elif check_spec.id in fail:
            line, message = fail[check_spec.id]
            checks.append(result(Status.FAILED, message, line))
        elif check_spec.id in error:
            checks.append(result(Status.ERROR, error[check_spec.id]))
        elif check_spec.id == "pushed":
            checks.append(result(Status.SKIPPED, NO_REGISTRY))
        elif check.kind is Kind.DYNAMIC and image is None:
            checks.append(result(Status.SKIPPED, STATIC_ONLY))
        else:
            checks.append(result(Status.PASSED, earned=points))
    if missing:
        return TaskResult(task_id, "missing", None, tuple(checks))
    dockerfile = spec.dockerfiles[0]
    text = source if source is not None else (FAT if task_id in ("task1", "task2") else SLIM)
    return TaskResult(task_id, "graded", dockerfile, tuple(checks), image, advisories, text)


def image(task_id: str, megabytes: float, standin: str | None = None) -> ImageInfo:
    return ImageInfo(RUBRIC.tasks[task_id].tag, "sha256:" + "ab" * 32, int(megabytes * MB), 12, standin)


def submission(student: str, *tasks: TaskResult) -> SubmissionResult:
    return SubmissionResult(student, tuple(tasks))


def full_marks(student: str, sizes=(1150, 480, 1010, 240, 250), standin: str | None = None) -> SubmissionResult:
    return submission(student, *(task(t, image=image(t, size, standin)) for t, size in zip(RUBRIC.tasks, sizes, strict=True)))


def make_class() -> list[SubmissionResult]:
    """Eight students: complete, partial, broken, missing tasks, a harness error, a task never graded, odd ids."""
    no_recommends = {"no-install-recommends": (5, "line 5: `apt-get install -y software-properties-common` installs "
                                                  "recommended packages too; add `--no-install-recommends`")}
    hostile_source = 'FROM ubuntu:latest\nRUN echo "</pre><script>alert(\'dockerfile\')</script>"\n'
    return [
        full_marks("ada"),
        submission(
            "bob",
            task("task1", image=image("task1", 1180), fail={
                "base-image": (1, "`FROM ubuntu:latest` on line 1: `ubuntu:latest` changes with every release; "
                                  "write `FROM ubuntu:20.04`"),
                "one-command-per-run": (4, "line 4: `RUN apt-get update && apt-get install -y x` holds 2 commands")}),
            task("task2", image=image("task2", 1210), fail={
                **no_recommends,
                "smaller-than-previous": (None, "1.2 GB is not smaller than task1's 1.2 GB")}),
            task("task3-1", image=image("task3-1", 1020), fail=no_recommends),
            task("task3-2", image=image("task3-2", 310), fail=no_recommends),
            task("nonroot", image=image("nonroot", 330), fail={
                "non-root-user": (2, "`useradd -m runner` creates runner with the next free uid")}),
        ),
        submission(
            "chen",
            task("task1", image=image("task1", 1100, "ubuntu:20.04")),
            task("task2", image=image("task2", 450, "ubuntu:20.04"), fail=no_recommends),
            task("task3-1", image=image("task3-1", 990), fail=no_recommends),
            task("task3-2", missing=True),
            task("nonroot", missing=True),
        ),
        submission(
            "dave",
            task("task1", image=image("task1", 1150)),
            task("task2", fail=no_recommends, error={
                "builds": "Docker engine unreachable: connection refused\nlast lines of the log:\nstep 3/9"}),
            task("task3-1", image=image("task3-1", 1000)),
            task("task3-2", image=image("task3-2", 250)),
            task("nonroot", image=image("nonroot", 260)),
        ),
        submission(  # graded static-only: no image at all
            "Zoë Ünal",
            task("task1"), task("task2", fail=no_recommends), task("task3-1"), task("task3-2"), task("nonroot"),
        ),
        submission(  # the run stopped before its nonroot task was graded
            "eve",
            task("task1", image=image("task1", 1150)),
            task("task2", image=image("task2", 470)),
            task("task3-1", image=image("task3-1", 1000)),
            task("task3-2", image=image("task3-2", 235)),
        ),
        submission(
            HOSTILE,
            task("task1", source=hostile_source, fail={
                "base-image": (1, "`FROM ubuntu:latest` <script>alert('message')</script> on line 1"),
                "cmd": (2, "no CMD & no <b>ENTRYPOINT</b>")},
                advisories=(Advisory("hadolint", "DL3007", 1, "Using latest is prone to errors <img src=x>"),)),
            task("task2", missing=True), task("task3-1", missing=True), task("task3-2", missing=True),
            task("nonroot", missing=True),
        ),
        submission(FORMULA, *(task(t, image=image(t, 500)) for t in RUBRIC.tasks)),
    ]
