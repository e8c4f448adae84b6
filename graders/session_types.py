"""What a session answers a dynamic check: plain values, so that the checks, the Docker side and the tests' fake
session all speak of the same things without importing one another."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from .limits import Limits
from .probe import ProbeOutcome


@dataclass(frozen=True)
class BuiltImage:
    tag: str
    id: str  # sha256:... the local image's config digest
    size: int
    layers: int
    config: dict[str, Any]  # the image config (Env, ExposedPorts, WorkingDir, Entrypoint, Cmd, User, Labels)
    standin_base: str | None = None  # the base image an offline stand-in replaced
    unlabelled_id: str | None = None  # what a plain `docker build` makes: before the harness's LABEL step

    @classmethod
    def inspected(cls, tag: str, attrs: dict[str, Any], *, standin_base: str | None = None,
                  unlabelled_id: str | None = None) -> BuiltImage:
        """The image of `tag` as the engine's inspection `attrs` describe it."""
        return cls(tag, attrs["Id"], int(attrs.get("Size") or 0), len((attrs.get("RootFS") or {}).get("Layers") or ()),
                   attrs.get("Config") or {}, standin_base, unlabelled_id)

    @property
    def build_id(self) -> str:
        return self.unlabelled_id or self.id


@dataclass(frozen=True)
class BuildResult:
    ok: bool
    image: BuiltImage | None
    message: str  # for the student: what failed, where, and the last lines of the log
    log: tuple[str, ...] = ()
    failing_step: str | None = None  # "Step 5/12 : RUN apt-get install nope"
    line: int | None = None  # the failing instruction's line in the Dockerfile
    seconds: float = 0.0
    timed_out: bool = False


@dataclass(frozen=True)
class ContainerFacts:
    status: str  # "running", "exited", "created", "removed"...
    exit_code: int | None
    oom_killed: bool
    error: str  # the engine's own error about the container (bad entrypoint...)
    logs: str  # the last lines
    listening: tuple[tuple[str, int], ...] = ()  # TCP sockets listening inside, when it could be read
    memory_limit: str = Limits.mem_limit
    process_limit: int = Limits.pids_limit
    forks_refused: int | None = None  # new processes refused at its process limit, where that can be read
    stopped_for: str = ""  # why the grader stopped it (over its disk budget)


@dataclass(frozen=True)
class ProbeResult:
    outcome: ProbeOutcome
    port: int
    host_port: int | None
    facts: ContainerFacts | None = None  # gathered when the probe failed
    start_error: str = ""  # the engine refused to start the container

    @property
    def ok(self) -> bool:
        return self.outcome.ok


@dataclass(frozen=True)
class ExecResult:
    exit_code: int | None  # None: did not finish in time
    output: str


@dataclass(frozen=True)
class ArchiveEntry:
    path: str  # relative to the listed directory
    kind: Literal["file", "dir", "link", "other"]
    size: int
