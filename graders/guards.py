"""The limits of graders.limits that the engine's API does not apply itself: a build of the classic builder takes no
process limit and no disk quota, nor a log budget (StepGuard, LogBudget: watchers of graders.build_loop, and the
build's own cgroup, graders.host.BuildCgroup, where the harness may make one), and a container has no disk quota
on overlay2 over ext4 (ContainerGuard)."""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable
from typing import Any

from .build_loop import BuildOutput, BuildRequest, BuildWatcher, WatchedBuild, stream_build
from .core import HarnessError
from .engine import Engine
from .engine_wire import engine_time
from .host import BuildCgroup, disk_usage, forks_refused, writable_cgroups
from .limits import Limits, format_size

_RUNNING_IN = re.compile(r"^ ---> Running in ([0-9a-f]{12})$")
_STEP_IMAGE = re.compile(r"^ ---> ([0-9a-f]{12})$")
_cgroup_versions: dict[str, str | None] = {}  # engine url -> the cgroup version a build's cgroup is made in
_cgroup_lock = threading.Lock()


def limited_build(engine: Engine, request: BuildRequest, limits: Limits,
                  on_line: Callable[[str], None] | None = None) -> BuildOutput:
    """The build held to `limits`: each RUN step confined (memory, CPUs, processes), stopped when it writes more
    than its disk budget or prints more than its log budget."""
    cgroup = _build_cgroup(engine, limits.pids_limit)
    try:
        return stream_build(engine, request, limits=limits, cgroup_parent=cgroup.parent if cgroup else None,
                            watchers=[LogBudget(limits.log_bytes), StepGuard(engine, limits)], on_line=on_line)
    finally:
        if cgroup is not None:
            cgroup.remove()


def _build_cgroup(engine: Engine, pids_limit: int) -> BuildCgroup | None:
    """A cgroup for the build, where the harness may make one (an engine of this host with the cgroupfs driver, the
    harness root); elsewhere the step guard's live update of each step is the limit (it lands within milliseconds
    of the step's start)."""
    with _cgroup_lock:
        if engine.url not in _cgroup_versions:
            _cgroup_versions[engine.url] = writable_cgroups(*engine.cgroups()) if engine.local else None
        version = _cgroup_versions[engine.url]
    return BuildCgroup.make(version, pids_limit) if version else None


def written(engine: Engine, container: str) -> int | None:
    """The bytes a container wrote: its own layer and, on an engine of this host, its anonymous volumes; None
    when it is gone."""
    found = engine.container_writes(container)
    if found is None:
        return None
    size, volumes = found
    return size + sum(disk_usage(volume) for volume in volumes) if engine.local else size


class LogBudget(BuildWatcher):
    """Stops a build that prints more than `most` characters of log (0: no budget)."""

    def __init__(self, most: int) -> None:
        self.most = most
        self._printed = 0
        self._build: WatchedBuild | None = None

    def watch(self, build: WatchedBuild) -> None:
        self._build = build

    def printed(self, size: int) -> None:
        self._printed += size
        if self.most and self._printed > self.most and self._build is not None and not self._build.stopped_for:
            self._build.stop(f"the build printed more than {format_size(self.most)} of log: it was stopped "
                             "(a step that prints without end?)")


class StepGuard(BuildWatcher):
    """Holds the RUN steps of one build of the classic builder to `Limits`.

    The builder's API takes no process limit and no disk quota, so the guard reads the build's log: the moment a
    line names a RUN step's container (" ---> Running in <id>"), the container is confined to the limits' CPUs and
    processes (a live update: it applies before the step's first fork, or within milliseconds of it); a thread
    measures what the step containers write (their SizeRw while they run, the layer each commits once done) and,
    on an engine of this host, whether the running step was refused a new process at its limit (a fork bomb). Over
    a budget, the guard stops the build and kills the running step. A line the student's RUN prints cannot steer
    the guard: a container counts only when the engine confirms it was created after the build started, a layer
    only when the engine says one of those containers committed it.
    """

    def __init__(self, engine: Engine, limits: Limits) -> None:
        self.engine = engine
        self.limits = limits
        self.containers: list[str] = []  # verified step containers (full ids), in order
        self.layers: list[str] = []  # image ids those containers committed
        self._build: WatchedBuild | None = None
        self._sizes: dict[str, int] = {}  # container id -> bytes written (SizeRw, then its layer's size)
        self._committed: set[str] = set()
        self._pids: dict[str, int] = {}  # container id -> its first process, on this host's /proc
        self._lock = threading.Lock()
        self._done = threading.Event()
        self._thread: threading.Thread | None = None
        self._killer: threading.Thread | None = None

    @property
    def written(self) -> int:
        with self._lock:
            return sum(self._sizes.values())

    def watch(self, build: WatchedBuild) -> None:
        self._build = build
        if self.limits.build_disk or self.engine.local:
            self._thread = threading.Thread(target=self._watch, name="graders-build-guard", daemon=True)
            self._thread.start()

    def line(self, line: str) -> None:
        if match := _RUNNING_IN.match(line):
            self._step_container(match.group(1))
        elif match := _STEP_IMAGE.match(line):
            self._step_image(match.group(1))

    def stopped(self) -> None:
        """Kill the running step from another thread: the engine may take a moment, and the log's reader must not
        wait for it."""
        with self._lock:
            running = [c for c in self.containers if c not in self._committed]

        def kill() -> None:
            for container in running:
                self.engine.kill(container)

        self._killer = threading.Thread(target=kill, daemon=True, name="graders-build-kill")
        self._killer.start()

    def close(self, failed: bool) -> None:
        """Stop watching; after a failed or stopped build, make sure its step containers are gone and, when it was
        stopped, remove the layers it committed (the space given back)."""
        self._done.set()
        for thread in (self._thread, self._killer):
            if thread is not None:
                thread.join(timeout=30)
        if not failed:
            return
        deadline = time.monotonic() + 15
        for container in self.containers:  # the engine removes them itself (forcerm); make sure, and wait for it
            while self.engine.inspect_container(container) is not None and time.monotonic() < deadline:
                self.engine.remove_container(container)
                time.sleep(0.1)
        if self._stopped_for():
            for layer in reversed(self.layers):  # newest first: a parent goes once its child is gone
                self.engine.remove_image(layer, force=False)

    def _stopped_for(self) -> str | None:
        return self._build.stopped_for if self._build is not None else None

    def _stop(self, reason: str) -> None:
        if self._build is not None:
            self._build.stop(reason)

    def _step_container(self, short_id: str) -> None:
        try:
            attrs = self.engine.inspect_container(short_id)
        except HarnessError:
            return
        if attrs is None or not self._ours(attrs):
            return  # not a container (a line the step printed), already gone, or not of this build
        container = attrs["Id"]
        with self._lock:
            if container in self._sizes:
                return
            self.containers.append(container)
            self._sizes[container] = 0
            self._pids[container] = int((attrs.get("State") or {}).get("Pid") or 0)
        if self._stopped_for():
            self.engine.kill(container)
            return
        self.engine.confine(container, self.limits)

    def _ours(self, attrs: dict[str, Any]) -> bool:
        """A step container of this build: made after the build started, by the engine's clock. (Its 12-digit id
        cannot be guessed by a step that would print another container's.)"""
        started = self._build.started if self._build is not None else None
        if started is None:
            return True
        created = engine_time(attrs.get("Created"))
        return created is not None and created >= started - 2.0

    def _step_image(self, short_id: str) -> None:
        try:
            attrs = self.engine.inspect_image(short_id)
        except HarnessError:
            return
        if attrs is None:
            return
        with self._lock:
            container = attrs.get("Container") or ""
            if container not in self._sizes or container in self._committed:
                return  # not committed by a step container of this build
        parent = attrs.get("Parent")
        try:
            base = int((self.engine.inspect_image(parent) or {}).get("Size") or 0) if parent else 0
        except HarnessError:
            base = 0
        with self._lock:
            self._committed.add(container)
            self._sizes[container] = max(0, int(attrs.get("Size") or 0) - base)
            self.layers.append(attrs["Id"])
        self._check_disk()

    def _watch(self) -> None:
        while not self._done.wait(self.limits.disk_interval):
            with self._lock:
                running = [c for c in self.containers if c not in self._committed]
            for container in running[-2:]:  # the step that runs (and one that may still be committing)
                size = written(self.engine, container)
                if size is None:
                    continue
                with self._lock:
                    if container not in self._committed:
                        self._sizes[container] = size
            self._check_disk()
            if running and self.engine.local:
                self._check_forks(running[-1])

    def _check_forks(self, container: str) -> None:
        """A step refused new processes at its limit is a fork bomb, or a build that no process limit lets finish:
        stopped at once, not left to run into the build's timeout."""
        if not self._pids.get(container):  # the step was created, not yet started, when the log named it
            state = (self.engine.inspect_container(container) or {}).get("State") or {}
            self._pids[container] = int(state.get("Pid") or 0)
        refused = forks_refused(self._pids[container]) if self._pids[container] else None
        if refused and not self._stopped_for():
            self._stop(f"a RUN step tried to run more than its limit of {self.limits.pids_limit} processes "
                       f"({refused} new processes refused: a fork bomb?): it was stopped")

    def _check_disk(self) -> None:
        total = self.written
        if self.limits.build_disk and total > self.limits.build_disk and not self._stopped_for():
            self._stop(f"the build wrote more than its disk budget of {format_size(self.limits.build_disk)} "
                       f"({format_size(total)} measured): it was stopped and what it wrote removed")


class ContainerGuard:
    """Holds a running container to its disk budget: what it writes to its own filesystem, measured every
    `interval` seconds by a thread for as long as the container lives; over the budget the container is killed and
    `exceeded` says why (the grader, not the student's program, stopped it)."""

    def __init__(self, engine: Engine, container: str, most: int, interval: float) -> None:
        self.engine = engine
        self.container = container
        self.most = most
        self.interval = interval
        self.exceeded = ""
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._watch, name="graders-container-guard", daemon=True)
        if most:
            self._thread.start()

    def _watch(self) -> None:
        while not self._done.wait(self.interval):
            size = written(self.engine, self.container)
            if size is None:
                return  # removed
            if size > self.most:
                self.exceeded = (f"stopped by the grader: it wrote {format_size(size)} to its own filesystem, over "
                                 f"its limit of {format_size(self.most)}")
                self.engine.kill(self.container)
                return

    def close(self) -> None:
        self._done.set()
        if self._thread.is_alive():
            self._thread.join(timeout=30)
