"""A stand-in for DockerSession: the checks' vocabulary without an engine (what the real session would answer)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from graders.checks.base import Check
from graders.core import Blocked, Status, Verdict
from graders.engine import ArchiveEntry, ExecResult
from graders.probe import ProbeOutcome
from graders.session import BuildResult, BuiltImage, ContainerFacts, ProbeResult

EXERCISE_CONFIG = {
    "Env": ["PATH=/usr/local/bin:/usr/bin:/bin", "PYTHONUNBUFFERED=1"],
    "ExposedPorts": {"8000/tcp": {}},
    "WorkingDir": "/server",
    "Entrypoint": ["uvicorn"],
    "Cmd": ["app.main:app", "--host", "0.0.0.0", "--port", "8000"],
    "User": "",
    "Labels": None,
}


def image(config: dict | None = None, *, size: int = 100_000_000, standin: str | None = None, **changes) -> BuiltImage:
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
    task: Any = None
    run_timeout: float = 60.0
    ran: list[tuple[str, ...]] = field(default_factory=list)

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
        return self.probe_result

    def run_in_image(self, command, *, user=None, timeout=30.0) -> ExecResult:
        self.image()
        self.ran.append(tuple(command))
        return self.commands.get(tuple(command), ExecResult(127, f"exec: {command[0]}: not found"))

    def list_directory(self, path: str, limit: int = 20):
        self.image()
        return self.directories.get(path)

    def previous_image(self, task_id: str) -> BuiltImage | None:
        return self.previous.get(task_id)


def probe_result(reason: str = "deadline", *, status=None, body=b"", error="", facts: ContainerFacts | None = None,
                 start_error="", seconds=60.0, truncated=False) -> ProbeResult:
    outcome = ProbeOutcome(reason == "answered", reason, seconds, 10, status, body, error, None, truncated)
    return ProbeResult(outcome, 8000, 32768, facts, start_error)


def facts(status="running", exit_code=None, logs="", listening=(), oom=False, error="") -> ContainerFacts:
    return ContainerFacts(status, exit_code, oom, error, logs, tuple(listening))


def run(check: Check, session: FakeSession, **parameters) -> Verdict:
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
