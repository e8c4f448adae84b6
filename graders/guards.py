"""The limits of graders.limits that the engine's API does not apply itself: a build of the classic builder takes no
process limit and no disk quota (BuildGuard, and BuildCgroup that bounds a build's processes from its first fork
where the harness may make one), and a container has no disk quota on overlay2 over ext4 (ContainerGuard)."""

from __future__ import annotations

import email.utils
import logging
import os
import re
import secrets
import socket
import threading
import time
from typing import Any

import docker.errors
import requests.exceptions

from .engine import CGROUPS, Engine, engine_time, forks_refused
from .limits import Limits, format_size

log = logging.getLogger(__name__)

_RUNNING_IN = re.compile(r"^ ---> Running in ([0-9a-f]{12})$")
_STEP_IMAGE = re.compile(r"^ ---> ([0-9a-f]{12})$")


class BuildGuard:
    """Watches one build of the classic builder on behalf of `Limits`.

    The builder's API takes no process limit and no disk quota, so the guard reads the build's log: the moment a
    line names a RUN step's container (" ---> Running in <id>"), the container is confined to the limits' CPUs and
    processes (a live update: it applies before the step's first fork, or within milliseconds of it); a thread
    measures what the step containers write (their SizeRw while they run, the layer each commits once done) and
    the bytes of log the build prints and, on an engine of this host, whether the running step was refused a new
    process at its limit (a fork bomb). Over a budget, the running step is killed and the build's connection shut,
    which makes the engine cancel the build. A line the student's RUN prints cannot steer the guard: a container
    counts only when the engine confirms it was created after the build started and is not the harness's, a layer
    only when the engine says one of those containers committed it.
    """

    def __init__(self, engine: Engine, limits: Limits) -> None:
        self.engine = engine
        self.limits = limits
        self.started: float | None = None  # the engine's time when the build started (its Date header)
        self.containers: list[str] = []  # verified step containers (full ids), in order
        self.layers: list[str] = []  # image ids those containers committed
        self.exceeded: str | None = None
        self._sizes: dict[str, int] = {}  # container id -> bytes written (SizeRw, then its layer's size)
        self._committed: set[str] = set()
        self._pids: dict[str, int] = {}  # container id -> its first process, on this host's /proc
        self._printed = 0
        self._lock = threading.Lock()
        self._done = threading.Event()
        self._sockets: list[Any] = []
        self._thread: threading.Thread | None = None
        self._killer: threading.Thread | None = None

    @property
    def written(self) -> int:
        with self._lock:
            return sum(self._sizes.values())

    def start(self, response: Any, sockets: list[Any]) -> None:
        self._sockets = sockets
        try:
            self.started = email.utils.parsedate_to_datetime(response.headers["Date"]).timestamp()
        except (AttributeError, KeyError, TypeError, ValueError):
            self.started = None
        if self.limits.build_disk or self.engine.local:
            self._thread = threading.Thread(target=self._watch, name="graders-build-guard", daemon=True)
            self._thread.start()

    def printed(self, count: int) -> None:
        self._printed += count
        if self.limits.log_bytes and self._printed > self.limits.log_bytes and not self.exceeded:
            self._stop(f"the build printed more than {format_size(self.limits.log_bytes)} of log: it was stopped "
                       "(a step that prints without end?)")

    def line(self, line: str) -> None:
        if match := _RUNNING_IN.match(line):
            self._step_container(match.group(1))
        elif match := _STEP_IMAGE.match(line):
            self._step_image(match.group(1))

    def _step_container(self, short_id: str) -> None:
        try:
            attrs = self.engine.api.inspect_container(short_id)
        except (docker.errors.APIError, requests.exceptions.RequestException):
            return  # not a container (a line the step printed), or already gone
        if not self._ours(attrs):
            return
        container = attrs["Id"]
        with self._lock:
            if container in self._sizes:
                return
            self.containers.append(container)
            self._sizes[container] = 0
            self._pids[container] = int((attrs.get("State") or {}).get("Pid") or 0)
        if self.exceeded:
            self.engine.kill(container)
            return
        update = {"PidsLimit": self.limits.pids_limit, "NanoCpus": self.limits.nano_cpus}
        try:
            self.engine.api._post_json(self.engine.api._url("/containers/{0}/update", container), data=update)
        except (docker.errors.APIError, requests.exceptions.RequestException) as problem:
            log.warning("could not confine build step %s: %s", container[:12], problem)

    def _ours(self, attrs: dict[str, Any]) -> bool:
        """A step container of this build: made after the build started, by the engine's clock. (Its 12-digit id
        cannot be guessed by a step that would print another container's.)"""
        if self.started is None:
            return True
        created = engine_time(attrs.get("Created"))
        return created is not None and created >= self.started - 2.0

    def _step_image(self, short_id: str) -> None:
        try:
            attrs = self.engine.api.inspect_image(short_id)
        except (docker.errors.APIError, requests.exceptions.RequestException):
            return
        with self._lock:
            container = attrs.get("Container") or ""
            if container not in self._sizes or container in self._committed:
                return  # not committed by a step container of this build
        parent = attrs.get("Parent")
        try:
            base = int(self.engine.api.inspect_image(parent).get("Size") or 0) if parent else 0
        except (docker.errors.APIError, requests.exceptions.RequestException):
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
                size = self.engine.container_size(container)
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
        if refused and not self.exceeded:
            self._stop(f"a RUN step tried to run more than its limit of {self.limits.pids_limit} processes "
                       f"({refused} new processes refused: a fork bomb?): it was stopped")

    def _check_disk(self) -> None:
        written = self.written
        if self.limits.build_disk and written > self.limits.build_disk and not self.exceeded:
            self._stop(f"the build wrote more than its disk budget of {format_size(self.limits.build_disk)} "
                       f"({format_size(written)} measured): it was stopped and what it wrote removed")

    def _stop(self, reason: str) -> None:
        """Shut the build's connection first (the engine cancels a build whose client went away, and a step blocked
        writing its log to us is freed), then kill the running step, from another thread: the engine may take a
        moment, and the thread reading the log must not wait for it."""
        self.exceeded = reason
        for sock in self._sockets:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        with self._lock:
            running = [c for c in self.containers if c not in self._committed]
        self._killer = threading.Thread(target=lambda: [self.engine.kill(c) for c in running], daemon=True,
                                        name="graders-build-kill")
        self._killer.start()

    def close(self, failed: bool) -> None:
        """Stop watching; after a failed or stopped build, make sure its step containers are gone and, when it went
        over a budget, remove the layers it committed (the space given back)."""
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
        if self.exceeded:
            for layer in reversed(self.layers):  # newest first: a parent goes once its child is gone
                self.engine.remove_image(layer, force=False)


class BuildCgroup:
    """A process limit that holds from a build step's first instruction, where the harness can set one: a cgroup
    made for the build, with `pids.max`, given to the engine as the build's cgroup parent (every step container
    is made inside it). Only for an engine on this host using the cgroupfs driver, and a harness allowed to write
    the cgroup file system (root); elsewhere the guard's live update of each step is the limit (it lands within
    milliseconds of the step's start)."""

    _support: dict[str, str | None] = {}  # engine url -> "1" / "2" (cgroup version) or None
    _lock = threading.Lock()

    def __init__(self, version: str, name: str) -> None:
        self.version = version
        self.name = name
        self.parent = "/" + name

    @classmethod
    def make(cls, engine: Engine, limits: Limits) -> BuildCgroup | None:
        version = cls._supported(engine)
        if version is None:
            return None
        name = f"graders-build-{os.getpid()}-{secrets.token_hex(4)}"
        try:
            if version == "1":
                folder = CGROUPS / "pids" / name
                folder.mkdir()
                (folder / "pids.max").write_text(str(limits.pids_limit))
            else:
                folder = CGROUPS / name
                folder.mkdir()
                (folder / "pids.max").write_text(str(limits.pids_limit))
        except OSError as problem:
            log.warning("cannot make a cgroup for the build (%s): each step is confined once it runs", problem)
            return None
        return cls(version, name)

    @classmethod
    def _supported(cls, engine: Engine) -> str | None:
        with cls._lock:
            if engine.url not in cls._support:
                cls._support[engine.url] = cls._probe(engine)
            return cls._support[engine.url]

    @classmethod
    def _probe(cls, engine: Engine) -> str | None:
        if not engine.local or os.geteuid() != 0:
            return None
        try:
            info = engine.api.info()
        except (docker.errors.APIError, requests.exceptions.RequestException):
            return None
        if info.get("CgroupDriver") != "cgroupfs":
            return None  # a systemd-managed engine makes its own scopes
        version = str(info.get("CgroupVersion") or "1")
        if version == "1":
            return "1" if os.access(CGROUPS / "pids", os.W_OK) else None
        try:
            controllers = (CGROUPS / "cgroup.controllers").read_text().split()
            return "2" if "pids" in controllers and os.access(CGROUPS, os.W_OK) else None
        except OSError:
            return None

    def remove(self) -> None:
        """Remove the build's cgroup from every hierarchy (once the engine has removed the step containers)."""
        folders = [CGROUPS / self.name] if self.version == "2" else \
            [hierarchy / self.name for hierarchy in CGROUPS.iterdir() if (hierarchy / self.name).is_dir()]
        deadline = time.monotonic() + 10
        for folder in folders:
            while folder.is_dir():
                try:
                    folder.rmdir()
                except OSError:
                    if time.monotonic() > deadline:
                        log.warning("could not remove the build's cgroup %s", folder)
                        break
                    time.sleep(0.1)


class ContainerGuard:
    """Holds a running container to its disk budget: what it writes to its own layer (SizeRw), measured every
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
            written = self.engine.container_size(self.container)
            if written is None:
                return  # removed
            if written > self.most:
                self.exceeded = (f"stopped by the grader: it wrote {format_size(written)} to its own filesystem, over "
                                 f"its limit of {format_size(self.most)}")
                self.engine.kill(self.container)
                return

    def close(self) -> None:
        self._done.set()
        if self._thread.is_alive():
            self._thread.join(timeout=30)
