"""One build, streamed: its log kept (the last MAX_LOG_LINES lines, always with the step that ran), its deadline
held, and its watchers told what it prints.

The whole build is bounded by its timeout: the socket's read timeout always ends at the deadline, and closing the
connection makes the engine cancel the build and remove its intermediate container. A watcher (graders.guards)
holds the build to a limit the engine's API does not apply; over it, the watcher stops the build.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from .core import HarnessError
from .engine import Engine
from .engine_errors import BuildRefused, StreamBroken, is_machine_problem
from .engine_wire import BuildStream
from .limits import Limits

MAX_LOG_LINES = 5000  # build log lines kept in memory; older ones are dropped
MAX_LINE_CHARS = 2000
_ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
_STEP_LINE = re.compile(r"^Step \d+/\d+ : ")


@dataclass(frozen=True)
class BuildRequest:
    context: Path
    dockerfile: str  # relative to `context`, or a path outside it that the build must not copy
    tag: str
    labels: dict[str, str] | None = None
    timeout: float = 900.0


@dataclass
class BuildOutput:
    """What the engine said about one build: the image id when it succeeded, else the error."""

    image_id: str | None
    log: list[str]
    error: str | None = None
    timed_out: bool = False
    seconds: float = 0.0
    dropped_lines: int = 0
    limit: str | None = None  # the limit the build hit (its disk budget, its log), said for the student


class WatchedBuild:
    """What a watcher sees of a running build: the engine's clock when it started, and a way to stop it."""

    def __init__(self, stream: BuildStream, watchers: Sequence[BuildWatcher]) -> None:
        self.started = stream.started
        self.stopped_for: str | None = None  # the first reason a watcher gave
        self._stream = stream
        self._watchers = watchers
        self._lock = threading.Lock()

    def stop(self, reason: str) -> None:
        """Shut the build's connection (the engine cancels the build), then tell every watcher; the first reason
        stays."""
        with self._lock:
            if self.stopped_for is not None:
                return
            self.stopped_for = reason
        self._stream.shut()
        for watcher in self._watchers:
            watcher.stopped()


class BuildWatcher:
    """A guard of one build; each hears what it watches (every method here does nothing)."""

    def watch(self, build: WatchedBuild) -> None:
        """The build started."""

    def printed(self, size: int) -> None:
        """The build printed `size` more characters."""

    def line(self, line: str) -> None:
        """A complete line of the build's log."""

    def stopped(self) -> None:
        """A watcher stopped the build: what it still runs must end (never blocking: the log's reader waits)."""

    def close(self, failed: bool) -> None:
        """The build is over (`failed`: without an image)."""


class _Log:
    """The build's output cut into lines, the last MAX_LOG_LINES kept, the last "Step N/M : ..." never dropped."""

    def __init__(self, watchers: Sequence[BuildWatcher], on_line: Callable[[str], None] | None) -> None:
        self.lines: list[str] = []
        self.dropped = 0
        self.partial = ""
        self._watchers = watchers
        self._on_line = on_line
        self._step_line: str | None = None
        self._step_index = -1
        self._total = 0

    def keep(self, text: str) -> None:
        for watcher in self._watchers:
            watcher.printed(len(text))
        self.partial += text
        *complete, self.partial = self.partial.split("\n")
        if len(self.partial) > MAX_LINE_CHARS:  # a step printing without a newline: cut, never hoard
            complete.append(self.partial)
            self.partial = ""
        for raw in complete:
            line = _ANSI.sub("", raw).rstrip("\r")[:MAX_LINE_CHARS]
            self.lines.append(line)
            if line.startswith("Step ") and _STEP_LINE.match(line):
                self._step_line, self._step_index = line, self._total
            self._total += 1
            for watcher in self._watchers:
                watcher.line(line)
            if self._on_line:
                self._on_line(line)
        if len(self.lines) > MAX_LOG_LINES + 500:  # in batches: a flood of short lines stays cheap
            self.dropped += len(self.lines) - MAX_LOG_LINES
            del self.lines[: len(self.lines) - MAX_LOG_LINES]
            if self._step_line is not None and self._step_index < self._total - len(self.lines):
                self.lines.insert(0, self._step_line)  # which step ran stays known (the failure names it)


def stream_build(engine: Engine, request: BuildRequest, *, limits: Limits | None = None,
                 cgroup_parent: str | None = None, watchers: Sequence[BuildWatcher] = (),
                 on_line: Callable[[str], None] | None = None) -> BuildOutput:
    """Build `request` on `engine` (its steps given `limits` and `cgroup_parent`, see Engine.start_build), watched
    by `watchers`, each log line also given to `on_line`; a machine problem raises HarnessError."""
    started = time.monotonic()
    deadline = started + request.timeout
    log = _Log(watchers, on_line)
    image_id: str | None = None
    problem: str | None = None
    stream: BuildStream | None = None
    build: WatchedBuild | None = None

    def seconds() -> float:
        return time.monotonic() - started

    def stopped(reason: str) -> BuildOutput:
        log.keep("\n")
        return BuildOutput(None, log.lines, reason, False, seconds(), log.dropped, reason)

    try:
        stream = engine.start_build(request.context, request.dockerfile, request.tag, labels=request.labels,
                                    timeout=request.timeout, limits=limits, cgroup_parent=cgroup_parent)
        build = WatchedBuild(stream, watchers)
        for watcher in watchers:
            watcher.watch(build)
        for event in stream.events():
            if build.stopped_for:
                break
            if event.kind == "output":
                log.keep(event.text)
            elif event.kind == "image":
                image_id = event.text
            else:
                problem = event.text
                log.keep(problem + "\n")
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError
            stream.set_deadline(remaining)
    except (TimeoutError, StreamBroken) as broken:
        if build is not None and build.stopped_for:
            return stopped(build.stopped_for)
        if time.monotonic() < deadline - 0.5:
            raise HarnessError(f"the Docker engine at {engine.url} dropped the build: {broken}") from None
        log.keep("\n")
        return BuildOutput(None, log.lines, f"the build did not finish within {request.timeout:g} s", True,
                           seconds(), log.dropped)
    except BuildRefused as refused:
        problem = str(refused)
        if is_machine_problem(problem):
            raise HarnessError(f"the Docker engine failed: {problem}") from None
    except OSError as broken:  # a watcher shut the connection down (or the engine went away)
        if build is None or not build.stopped_for:
            raise HarnessError(f"the Docker engine at {engine.url} dropped the build: {broken}") from None
    finally:
        if stream is not None:
            stream.close()
        for watcher in watchers:
            watcher.close(failed=image_id is None)
    if build is not None and build.stopped_for:
        return stopped(build.stopped_for)
    if log.partial:
        log.keep("\n")
    if problem and is_machine_problem(problem):
        raise HarnessError(f"the Docker engine failed while building: {problem}")
    if problem is None and image_id is None:
        found = engine.inspect_image(request.tag)
        image_id = found["Id"] if found else None
        if image_id is None:
            problem = "the engine ended the build without an image"
    return BuildOutput(None if problem else image_id, log.lines, problem, False, seconds(), log.dropped)
