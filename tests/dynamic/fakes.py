"""A stand-in for DockerSession: the checks' vocabulary without an engine (what the real session would answer); it
implements the same Protocol as the real session (mypy checks `_conforms`)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from graders.checks.base import Check
from graders.checks.session import DynamicSession, GradedTask
from graders.core import Blocked, Status, Verdict
from graders.exercise import TaskSpec
from graders.probe import ProbeOutcome
from graders.results import ImageInfo
from graders.session_types import ArchiveEntry, BuildResult, BuiltImage, ContainerFacts, ExecResult, ProbeResult

EXERCISE_CONFIG: dict[str, Any] = {
    "Env": ["PATH=/usr/local/bin:/usr/bin:/bin", "PYTHONUNBUFFERED=1"],
    "ExposedPorts": {"8000/tcp": {}},
    "WorkingDir": "/server",
    "Entrypoint": ["uvicorn"],
    "Cmd": ["app.main:app", "--host", "0.0.0.0", "--port", "8000"],
    "User": "",
    "Labels": None,
}
TASK = TaskSpec("task1", "Task 1", ("dockerfile-task-1",), "graders-test:dev", ())


def image(config: dict[str, Any] | None = None, *, size: int = 100_000_000, standin: str | None = None,
          **changes: Any) -> BuiltImage:
    merged = dict(EXERCISE_CONFIG)
    merged.update(changes)
    return BuiltImage("graders/x-task1:run", "sha256:" + "a" * 64, size, 5, config or merged, standin)


@dataclass
class FakeSession:
    built: BuiltImage | None = field(default_factory=image)
    build_result: BuildResult | None = None
    probe_result: ProbeResult | None = None
    commands: dict[tuple[str, ...], ExecResult] = field(default_factory=dict)
    directories: dict[str, list[ArchiveEntry] | None] = field(default_factory=dict)
    previous: dict[str, BuiltImage] = field(default_factory=dict)
    registry: str | None = None
    docker_config: str | None = None
    task: GradedTask = TASK
    run_timeout: float = 60.0
    image_info: ImageInfo | None = None
    ran: list[tuple[str, ...]] = field(default_factory=list)

    def __enter__(self) -> FakeSession:
        return self

    def __exit__(self, *exc_info: object) -> None:
        pass

    def build(self) -> BuildResult:
        if self.build_result is not None:
            return self.build_result
        return BuildResult(self.built is not None, self.built, "built" if self.built else "failed")

    def image(self) -> BuiltImage:
        if self.built is None:
            raise Blocked("builds")
        return self.built

    def probe(self, port: int = 8000, path: str = "/", text: str = "Hello World") -> ProbeResult:
        self.image()
        if self.probe_result is None:
            raise AssertionError("the test gave the fake session no probe_result")
        return self.probe_result

    def run_in_image(self, command: list[str], *, user: str | None = None, timeout: float = 30.0) -> ExecResult:
        self.image()
        self.ran.append(tuple(command))
        return self.commands.get(tuple(command), ExecResult(127, f"exec: {command[0]}: not found"))

    def list_directory(self, path: str, limit: int = 20) -> list[ArchiveEntry] | None:
        self.image()
        return self.directories.get(path)

    def previous_image(self, task_id: str) -> BuiltImage | None:
        return self.previous.get(task_id)


def _conforms(fake: FakeSession) -> DynamicSession:
    """Never called: mypy checks here that the fake answers everything a dynamic check may ask."""
    return fake


def probe_result(reason: str = "deadline", *, status: int | None = None, body: bytes = b"", error: str = "",
                 facts: ContainerFacts | None = None, start_error: str = "", seconds: float = 60.0,
                 truncated: bool = False) -> ProbeResult:
    outcome = ProbeOutcome(reason == "answered", reason, seconds, 10, status, body, error, None, truncated)
    return ProbeResult(outcome, 8000, 32768, facts, start_error)


def facts(status: str = "running", exit_code: int | None = None, logs: str = "",
          listening: Iterable[tuple[str, int]] = (), oom: bool = False, error: str = "") -> ContainerFacts:
    return ContainerFacts(status, exit_code, oom, error, logs, tuple(listening))


def run(check: Check, session: FakeSession, **parameters: Any) -> Verdict:
    """The check's verdict as the runner records it (Blocked becomes failed "blocked: ...")."""
    try:
        return check(session, **parameters)
    except Blocked as blocked:
        return Verdict(Status.FAILED, str(blocked))


def assert_verdict(verdict: Verdict, status: str, *fragments: str) -> None:
    __tracebackhide__ = True
    assert verdict.status is Status(status), f"expected {status}, got {verdict.status.value}: {verdict.message}"
    for fragment in fragments:
        assert fragment in verdict.message, f"expected {fragment!r} in {verdict.message!r}"
