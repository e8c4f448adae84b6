"""The one container a session starts of its image: published on 127.0.0.1, held to its disk budget, probed over
HTTP, and, when the probe fails, described (state, exit code, last log lines, the sockets it listens on)."""

from __future__ import annotations

from typing import Any

from .core import HarnessError
from .engine import Engine
from .engine_errors import ContainerStartFailed
from .guards import ContainerGuard
from .host import forks_refused
from .limits import Limits
from .probe import ProbeOutcome, probe
from .run_settings import RunSettings
from .session_types import ContainerFacts, ExecResult, ProbeResult

CONTAINER_LOG_LINES = 20


class ProbeContainer:
    """A container of the image with `port` published; `start()` starts it (an engine's refusal is remembered as
    `start_error`, the student's: a bad entrypoint), `close()` removes it."""

    def __init__(self, engine: Engine, image_id: str, *, labels: dict[str, str], settings: RunSettings,
                 port: int) -> None:
        self.engine = engine
        self.settings = settings
        self.start_error = ""
        self.id = engine.create_container(image_id, labels=labels, limits=settings.limits, publish=port)
        self._guard: ContainerGuard | None = None  # its disk budget, once it runs

    @property
    def limits(self) -> Limits:
        return self.settings.limits

    def start(self) -> None:
        try:
            self.engine.start(self.id)
        except ContainerStartFailed as problem:
            self.start_error = str(problem)
        else:
            self._guard = ContainerGuard(self.engine, self.id, self.limits.container_disk, self.limits.disk_interval)

    def state(self) -> dict[str, Any]:
        """The engine's State of the container; "removed" once it is gone."""
        found = self.engine.inspect_container(self.id)
        return (found or {}).get("State") or {"Status": "removed", "Running": False}

    @property
    def running(self) -> bool:
        return bool(self.state().get("Running"))

    def host_port(self, port: int) -> int | None:
        """The port of 127.0.0.1 the engine published the container's `port` on; None when it did not (or no more)."""
        found = self.engine.inspect_container(self.id) or {}
        bindings = ((found.get("NetworkSettings") or {}).get("Ports") or {}).get(f"{port}/tcp") or []
        for binding in bindings:
            if binding.get("HostIp") in ("127.0.0.1", "") and binding.get("HostPort"):
                return int(binding["HostPort"])
        return None

    def exec(self, command: list[str], *, user: str | None = None, timeout: float = 30.0) -> ExecResult:
        return self.engine.exec(self.id, command, user=user, timeout=timeout)

    def poll(self, port: int, path: str, text: str) -> ProbeResult:
        """GET `path` on the published `port` until it answers `text`, the container stops, or the run's timeout."""
        if self.start_error:
            outcome = ProbeOutcome(False, "exited", 0.0, 0, error=self.start_error)
            return ProbeResult(outcome, port, None, self.facts(), self.start_error)
        host_port = self.host_port(port)
        if host_port is None and not self.running:  # exited at once: no port left
            return ProbeResult(ProbeOutcome(False, "exited", 0.0, 0), port, None, self.facts())
        if host_port is None:
            raise HarnessError(f"the engine did not publish port {port} of the container on 127.0.0.1")
        settings = self.settings
        outcome = probe(
            "127.0.0.1", host_port, path=path, text=text, timeout=settings.run_timeout, alive=lambda: self.running,
            interval=settings.probe_interval, request_timeout=settings.request_timeout,
            max_body=self.limits.response_bytes,
        )
        return ProbeResult(outcome, port, host_port, None if outcome.ok else self.facts())

    def facts(self) -> ContainerFacts:
        """Its state, exit code, last log lines and listening sockets."""
        state = self.state()
        running = bool(state.get("Running"))
        listening: tuple[tuple[str, int], ...] = ()
        if running:
            result = self.engine.exec(self.id, ["cat", "/proc/net/tcp", "/proc/net/tcp6"], timeout=5.0)
            if result.exit_code == 0:
                listening = parse_listening(result.output)
        code = state.get("ExitCode")
        pid = int(state.get("Pid") or 0)
        return ContainerFacts(
            status=str(state.get("Status") or "unknown"),
            exit_code=None if running or code is None else int(code),
            oom_killed=bool(state.get("OOMKilled")),
            error=str(state.get("Error") or self.start_error or ""),
            logs=self.engine.logs(self.id, tail=CONTAINER_LOG_LINES, max_bytes=self.limits.log_bytes),
            listening=listening,
            memory_limit=self.limits.mem_limit,
            process_limit=self.limits.pids_limit,
            forks_refused=forks_refused(pid) if running and pid and self.engine.local else None,
            stopped_for=self._guard.exceeded if self._guard is not None else "",
        )

    def close(self) -> None:
        if self._guard is not None:
            self._guard.close()
        self.engine.remove_container(self.id)


def parse_listening(proc_net_tcp: str) -> tuple[tuple[str, int], ...]:
    """(address, port) of the LISTEN sockets in /proc/net/tcp and tcp6 text."""
    found: list[tuple[str, int]] = []
    for line in proc_net_tcp.splitlines():
        fields = line.split()
        if len(fields) < 4 or fields[3] != "0A" or ":" not in fields[1]:
            continue
        address, port = fields[1].rsplit(":", 1)
        try:
            item = (_address(address), int(port, 16))
        except ValueError:
            continue
        if item not in found:
            found.append(item)
    return tuple(found)


def _address(hex_text: str) -> str:
    raw = bytes.fromhex(hex_text)
    if len(raw) == 4:
        return ".".join(str(b) for b in raw[::-1])
    words = [raw[i:i + 4][::-1] for i in range(0, 16, 4)]
    data = b"".join(words)
    if data == bytes(16):
        return "::"
    if data == bytes(15) + b"\x01":
        return "::1"
    if data[:12] == bytes(10) + b"\xff\xff":
        return ".".join(str(b) for b in data[12:])
    return ":".join(data[i:i + 2].hex() for i in range(0, 16, 2))
