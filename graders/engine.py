"""Every access to the Docker engine, behind one small class (the Docker SDK's low-level API).

Nothing else in the harness imports `docker`: the session asks this class to build, inspect, run, exec and
remove, and gets plain Python values back. Errors of the engine or the machine become `HarnessError` (status
`error`), never a student's failure.
"""

from __future__ import annotations

import datetime
import functools
import io
import logging
import os
import re
import socket
import tarfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterator

import docker
import docker.errors
import requests.exceptions
import urllib3.exceptions

from .core import HarnessError
from .limits import MIB, Limits

log = logging.getLogger(__name__)

DEFAULT_URL = "unix:///var/run/docker.sock"
API_TIMEOUT = 120.0  # one API call (not a build, not a stream)
MAX_LOG_LINES = 5000  # build log lines kept in memory; older ones are dropped
MAX_LINE_CHARS = 2000
_ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
_STEP_LINE = re.compile(r"^Step \d+/\d+ : ")


class EngineUnavailable(HarnessError):
    """No Docker engine answers: dynamic checks are `error`, static grading still runs."""

    def __init__(self, url: str, detail: str = "") -> None:
        self.url = url
        self.detail = detail
        super().__init__(
            f"no Docker engine answers at {url}: start one (`make docker-engine` or `sudo dockerd &`), "
            "or grade with --static-only"
        )


def engine_url(base_url: str | None = None) -> str:
    return base_url or os.environ.get("DOCKER_HOST") or DEFAULT_URL


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


@dataclass(frozen=True)
class ExecResult:
    exit_code: int | None  # None: did not finish in time
    output: str


@dataclass(frozen=True)
class ArchiveEntry:
    path: str  # relative to the listed directory
    kind: str  # "file" | "dir" | "link" | "other"
    size: int


class Engine:
    """One Docker engine (DOCKER_HOST, or `base_url`), reached through the Docker SDK."""

    def __init__(self, client: docker.DockerClient, url: str) -> None:
        self.client = client
        self.api = client.api
        self.url = url
        self._local = threading.local()
        self._install_response_capture()

    # -- connecting ------------------------------------------------------------------------------------------

    @classmethod
    def connect(cls, base_url: str | None = None, timeout: float = API_TIMEOUT) -> Engine:
        """The engine at `base_url`, else the one the environment names (DOCKER_HOST, DOCKER_TLS_VERIFY...)."""
        url = engine_url(base_url)
        try:
            if base_url:
                client = docker.DockerClient(base_url=base_url, timeout=int(timeout), version="auto")
            else:
                client = docker.from_env(timeout=int(timeout))
            client.api.ping()
        except (docker.errors.DockerException, requests.exceptions.RequestException, OSError) as problem:
            raise EngineUnavailable(url, str(problem)) from None
        return cls(client, url)

    @functools.cached_property
    def local(self) -> bool:
        """Whether the engine runs on this host, in its namespaces: its containers' processes and cgroups are then
        this machine's (/proc, /sys/fs/cgroup), which the harness reads where the API says nothing."""
        if not self.url.startswith("unix://"):
            return False
        try:
            return self.api.info().get("Name") == socket.gethostname()
        except (docker.errors.APIError, requests.exceptions.RequestException):
            return False

    def close(self) -> None:
        try:
            self.client.close()
        except Exception:  # closing must never hide the real problem
            pass

    def _install_response_capture(self) -> None:
        """Keep the HTTP response of streaming calls, per thread: the build's socket gets a deadline from it."""
        local = self._local
        for name in ("_post", "_get"):
            original = getattr(self.api, name)

            def capture(url, *args, _original=original, **kwargs):
                extra = getattr(local, "params", None)
                if extra and isinstance(kwargs.get("params"), dict):  # what the SDK's build() cannot pass
                    kwargs["params"] = {**kwargs["params"], **extra}
                response = _original(url, *args, **kwargs)
                if getattr(local, "capture", False):
                    local.response = response
                return response

            setattr(self.api, name, capture)

    def _captured(self, call: Callable[[], Any], params: dict[str, str] | None = None) -> tuple[Any, Any]:
        self._local.capture, self._local.response, self._local.params = True, None, params
        try:
            result = call()
        finally:
            self._local.capture, self._local.params = False, None
        return result, self._local.response

    # -- images ----------------------------------------------------------------------------------------------

    def build(
        self,
        context: Path,
        dockerfile: str,
        tag: str,
        *,
        labels: dict[str, str] | None = None,
        timeout: float = 900.0,
        on_line: Callable[[str], None] | None = None,
        limits: Limits | None = None,
    ) -> BuildOutput:
        """Build `dockerfile` (relative to `context`, or a path outside it that the build must not copy) with the
        classic builder, streaming and keeping the log (its last MAX_LOG_LINES lines).

        The whole build is bounded by `timeout`: the socket's read timeout always ends at the deadline, and
        closing the connection makes the engine cancel the build and remove its intermediate container.
        With `limits`, each RUN step is confined (memory, CPUs, processes) and the build is stopped when it writes
        more than its disk budget or prints more than its log budget (see graders.guards).
        """
        started = time.monotonic()
        deadline = started + timeout
        lines: list[str] = []
        dropped = 0
        partial = ""
        image_id = None
        problem = None
        from .guards import (  # it drives this engine: imported once both exist
            BuildCgroup,
            BuildGuard,
        )

        guard = BuildGuard(self, limits) if limits is not None else None
        step_line, step_index, total = None, -1, 0  # the last "Step N/M : ..." line, never dropped

        def keep(text: str) -> None:
            nonlocal partial, dropped, step_line, step_index, total
            if guard is not None:
                guard.printed(len(text))
            partial += text
            *complete, partial = partial.split("\n")
            if len(partial) > MAX_LINE_CHARS:  # a step printing without a newline: cut, never hoard
                complete.append(partial)
                partial = ""
            for line in complete:
                line = _ANSI.sub("", line).rstrip("\r")[:MAX_LINE_CHARS]
                lines.append(line)
                if line.startswith("Step ") and _STEP_LINE.match(line):
                    step_line, step_index = line, total
                total += 1
                if guard is not None:
                    guard.line(line)
                if on_line:
                    on_line(line)
            if len(lines) > MAX_LOG_LINES + 500:  # in batches: a flood of short lines stays cheap
                dropped += len(lines) - MAX_LOG_LINES
                del lines[: len(lines) - MAX_LOG_LINES]
                if step_line is not None and step_index < total - len(lines):
                    lines.insert(0, step_line)  # which step ran stays known (the failure names it)

        def stopped() -> BuildOutput:
            keep("\n")
            return BuildOutput(None, lines, guard.exceeded, False, time.monotonic() - started, dropped,
                               guard.exceeded)

        response = None
        extra: dict[str, Any] = {}
        params: dict[str, str] = {}
        cgroup = BuildCgroup.make(self, limits) if limits is not None else None
        if limits is not None:
            memory = docker.utils.parse_bytes(limits.build_memory)
            extra["container_limits"] = {"memory": memory, "memswap": memory}
            params = {"cpuperiod": "100000", "cpuquota": str(max(1000, limits.nano_cpus // 10_000))}
            if cgroup is not None:
                params["cgroupparent"] = cgroup.parent
        try:
            stream, response = self._captured(
                lambda: self.api.build(
                    path=str(context), dockerfile=dockerfile, tag=tag, labels=labels or None, rm=True,
                    forcerm=True, decode=True, timeout=max(1, int(timeout)), **extra,
                ),
                params,
            )
            sockets = _sockets_of(response)
            if guard is not None:
                guard.start(response, sockets)
            for item in stream:
                if guard is not None and guard.exceeded:
                    break
                if "stream" in item:
                    keep(str(item["stream"]))
                elif "aux" in item and isinstance(item["aux"], dict) and "ID" in item["aux"]:
                    image_id = item["aux"]["ID"]
                elif "error" in item:
                    detail = item.get("errorDetail") or {}
                    problem = str(detail.get("message") or item["error"]).strip()
                    keep(problem + "\n")
                elif "status" in item:  # pulling a base image
                    keep(" ".join(str(item[k]) for k in ("id", "status") if item.get(k)) + "\n")
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError
                for sock in sockets:
                    sock.settimeout(remaining)
        except (TimeoutError, socket.timeout, urllib3.exceptions.ReadTimeoutError,
                requests.exceptions.ReadTimeout, requests.exceptions.ConnectionError,
                urllib3.exceptions.ProtocolError) as broken:
            if guard is not None and guard.exceeded:
                return stopped()
            if time.monotonic() < deadline - 0.5:
                raise HarnessError(f"the Docker engine at {self.url} dropped the build: {broken}") from None
            keep("\n")
            return BuildOutput(None, lines, f"the build did not finish within {timeout:g} s", True,
                               time.monotonic() - started, dropped)
        except docker.errors.APIError as api_problem:
            problem = _api_message(api_problem)
            if _is_machine_problem(problem):
                raise HarnessError(f"the Docker engine failed: {problem}") from None
        except docker.errors.DockerException as sdk_problem:  # unreadable context, invalid tag...
            raise HarnessError(f"cannot build: {sdk_problem}") from None
        except OSError as broken:  # the guard shut the connection down (or the engine went away)
            if guard is None or not guard.exceeded:
                raise HarnessError(f"the Docker engine at {self.url} dropped the build: {broken}") from None
        finally:
            if response is not None:
                response.close()
            if guard is not None:
                guard.close(failed=image_id is None)
            if cgroup is not None:
                cgroup.remove()
        if guard is not None and guard.exceeded:
            return stopped()
        if partial:
            keep("\n")
        if problem and _is_machine_problem(problem):
            raise HarnessError(f"the Docker engine failed while building: {problem}")
        if problem is None and image_id is None:
            image_id = self._image_id_of(tag)
            if image_id is None:
                problem = "the engine ended the build without an image"
        return BuildOutput(None if problem else image_id, lines, problem, False, time.monotonic() - started, dropped)

    def _image_id_of(self, reference: str) -> str | None:
        found = self.inspect_image(reference)
        return found["Id"] if found else None

    def inspect_image(self, reference: str) -> dict[str, Any] | None:
        try:
            return self.api.inspect_image(reference)
        except docker.errors.ImageNotFound:
            return None
        except docker.errors.APIError as problem:
            if problem.status_code == 404:
                return None
            raise self._harness(problem) from None
        except requests.exceptions.RequestException as problem:
            raise self._harness(problem) from None

    def remove_image(self, reference: str, *, prune: bool = False, force: bool = True) -> bool:
        """Remove a tag (and, with `prune`, its untagged parents: the build cache of later runs); whether it
        was removed (False: not there, or the engine refused)."""
        try:
            self.api.remove_image(reference, force=force, noprune=not prune)
        except docker.errors.NotFound:
            return False
        except (docker.errors.APIError, requests.exceptions.RequestException) as problem:
            log.warning("could not remove image %s: %s", reference, problem)
            return False
        return True

    # -- containers ------------------------------------------------------------------------------------------

    def create_container(
        self,
        image: str,
        *,
        labels: dict[str, str],
        limits: Limits = Limits(),
        publish: int | None = None,
        command: list[str] | None = None,
        entrypoint: list[str] | None = None,
        user: str | None = None,
        network: bool = True,
    ) -> str:
        """A container of `image`, not started: never privileged, never the host network, no mounts.

        `publish`: that container port is published on 127.0.0.1 only, on a free port the engine chooses.
        """
        host_config = self.api.create_host_config(
            port_bindings={publish: ("127.0.0.1",)} if publish else None,
            mem_limit=limits.mem_limit,
            nano_cpus=limits.nano_cpus,
            pids_limit=limits.pids_limit,
            privileged=False,
            security_opt=["no-new-privileges"],
            network_mode="bridge" if network else "none",
            # what the engine keeps of its log: json-file (what `docker logs` reads), one file of log_bytes at most
            log_config={"Type": "json-file", "Config": {"max-size": str(max(limits.log_bytes, 1 * MIB)),
                                                        "max-file": "1"}},
        )
        try:
            created = self.api.create_container(
                image, command=command, entrypoint=entrypoint, user=user or None, labels=labels,
                ports=[publish] if publish else None, host_config=host_config, detach=True,
            )
        except (docker.errors.APIError, requests.exceptions.RequestException) as problem:
            raise self._harness(problem, "cannot create a container") from None
        return created["Id"]

    def start(self, container: str) -> None:
        try:
            self.api.start(container)
        except docker.errors.APIError as problem:
            if _is_machine_problem(_api_message(problem)):
                raise self._harness(problem, "cannot start a container") from None
            raise ContainerStartFailed(_api_message(problem)) from None  # bad entrypoint, unknown USER...
        except requests.exceptions.RequestException as problem:
            raise self._harness(problem, "cannot start a container") from None

    def inspect_container(self, container: str) -> dict[str, Any] | None:
        try:
            return self.api.inspect_container(container)
        except docker.errors.NotFound:
            return None
        except (docker.errors.APIError, requests.exceptions.RequestException) as problem:
            raise self._harness(problem) from None

    def container_size(self, container: str) -> int | None:
        """The bytes a container wrote: to its own layer (SizeRw) and, on an engine of this host, to its anonymous
        volumes (a Dockerfile's VOLUME), which SizeRw leaves out; None when it is gone."""
        try:
            response = self.api._get(self.api._url("/containers/{0}/json", container), params={"size": 1})
            attrs = self.api._result(response, json=True)
        except (docker.errors.APIError, requests.exceptions.RequestException):
            return None
        written = int(attrs.get("SizeRw") or 0)
        if self.local:
            for mount in attrs.get("Mounts") or ():
                if mount.get("Type") == "volume" and mount.get("Source"):
                    written += disk_usage(Path(mount["Source"]))
        return written

    def forks_refused(self, container: str) -> int | None:
        """How many times a running container was refused a new process at its process limit; None where that
        cannot be read (a remote engine, a container that no longer runs)."""
        if not self.local:
            return None
        pid = ((self.inspect_container(container) or {}).get("State") or {}).get("Pid")
        return forks_refused(int(pid)) if pid else None

    def state(self, container: str) -> dict[str, Any]:
        found = self.inspect_container(container)
        return (found or {}).get("State") or {"Status": "removed", "Running": False}

    def host_port(self, container: str, port: int) -> int | None:
        found = self.inspect_container(container) or {}
        bindings = ((found.get("NetworkSettings") or {}).get("Ports") or {}).get(f"{port}/tcp") or []
        for binding in bindings:
            if binding.get("HostIp") in ("127.0.0.1", "") and binding.get("HostPort"):
                return int(binding["HostPort"])
        return None

    def logs(self, container: str, tail: int = 20, max_bytes: int = 1 * MIB) -> str:
        """The last `tail` lines of a container's log, of which at most `max_bytes` are read (one endless line
        costs no more)."""
        data = b""
        try:
            stream = self.api.logs(container, stdout=True, stderr=True, tail=tail, timestamps=False, stream=True,
                                   follow=False)
            try:
                for chunk in stream:
                    data += chunk if isinstance(chunk, bytes) else str(chunk).encode()
                    if len(data) >= max_bytes:
                        data = data[:max_bytes]
                        break
            finally:
                close = getattr(stream, "close", None)
                if close:
                    close()
        except (docker.errors.APIError, requests.exceptions.RequestException, OSError):
            pass
        return data.decode("utf-8", "replace")

    def exec(self, container: str, command: list[str], *, user: str | None = None, timeout: float = 30.0) -> ExecResult:
        """Run `command` in a running container; the output is capped at 64 KiB."""
        try:
            created = self.api.exec_create(container, command, user=user or "", stdout=True, stderr=True)
            sock = self.api.exec_start(created["Id"], socket=True)
        except docker.errors.APIError as problem:
            return ExecResult(126, _api_message(problem))
        except requests.exceptions.RequestException as problem:
            raise self._harness(problem) from None
        raw = getattr(sock, "_sock", sock)
        output = _read_multiplexed(raw, time.monotonic() + timeout)
        try:
            sock.close()
        except OSError:
            pass
        try:
            result = self.api.exec_inspect(created["Id"])
        except (docker.errors.APIError, requests.exceptions.RequestException) as problem:
            raise self._harness(problem) from None
        code = None if result.get("Running") else result.get("ExitCode")
        return ExecResult(code, output)

    def run(self, image: str, command: list[str], *, labels: dict[str, str], user: str | None = None,
            timeout: float = 30.0, limits: Limits = Limits()) -> ExecResult:
        """`command` in a throwaway container of `image` (entrypoint replaced, no network), always removed."""
        container = self.create_container(
            image, labels=labels, limits=limits, command=command[1:], entrypoint=command[:1], user=user,
            network=False,
        )
        try:
            try:
                self.api.start(container)
            except docker.errors.APIError as problem:
                return ExecResult(127, _api_message(problem))
            try:
                code = self.api.wait(container, timeout=timeout).get("StatusCode")
            except (requests.exceptions.ReadTimeout, requests.exceptions.ConnectionError):
                code = None
            return ExecResult(code, self.logs(container, tail=200))
        finally:
            self.remove_container(container)

    def list_directory(self, container: str, path: str, limit: int = 20) -> list[ArchiveEntry] | None:
        """Up to `limit` entries under `path` of a container's file system (created, running or exited); None
        when the path does not exist. Reads tar headers through the engine: no shell or `ls` needed in the image.
        """
        try:
            (chunks, _stat), response = self._captured(lambda: self.api.get_archive(container, path, chunk_size=65536))
        except docker.errors.NotFound:
            return None
        except (docker.errors.APIError, requests.exceptions.RequestException) as problem:
            raise self._harness(problem, f"cannot read {path} in the container") from None
        entries: list[ArchiveEntry] = []
        try:
            with tarfile.open(fileobj=_ChunkReader(chunks), mode="r|") as archive:
                for member in archive:
                    parts = member.name.split("/", 1)
                    if len(parts) < 2 or not parts[1]:
                        continue  # the directory itself
                    kind = "file" if member.isfile() else "dir" if member.isdir() else \
                        "link" if member.issym() or member.islnk() else "other"
                    entries.append(ArchiveEntry(parts[1], kind, member.size))
                    if len(entries) >= limit:
                        break
        except tarfile.TarError as problem:
            raise HarnessError(f"cannot read {path} in the container: {problem}") from None
        finally:
            if response is not None:
                response.close()
        return entries

    def kill(self, container: str) -> None:
        """Kill a running container (it stays, stopped, for its state and log); nothing if it no longer runs."""
        try:
            self.api.kill(container)
        except (docker.errors.APIError, requests.exceptions.RequestException):
            pass

    def remove_container(self, container: str) -> bool:
        """Remove a container, running or not, with its anonymous volumes; whether it was removed."""
        try:
            self.api.remove_container(container, force=True, v=True)
        except docker.errors.NotFound:
            return False
        except docker.errors.APIError as problem:
            if "already in progress" not in str(problem):
                log.warning("could not remove container %s: %s", container[:12], problem)
            return False
        except requests.exceptions.RequestException as problem:
            log.warning("could not remove container %s: %s", container[:12], problem)
            return False
        return True

    def remove_network(self, network: str) -> bool:
        try:
            self.api.remove_network(network)
        except docker.errors.NotFound:
            return False
        except (docker.errors.APIError, requests.exceptions.RequestException) as problem:
            log.warning("could not remove network %s: %s", network[:12], problem)
            return False
        return True

    # -- cleanup ---------------------------------------------------------------------------------------------

    def labelled(self, label: str) -> dict[str, list[dict[str, Any]]]:
        """Containers, images and networks carrying `label` ("key" or "key=value")."""
        filters = {"label": [label]}
        try:
            return {
                "containers": self.api.containers(all=True, filters=filters),
                "images": self.api.images(filters=filters),
                "networks": self.api.networks(filters=filters),
            }
        except (docker.errors.APIError, requests.exceptions.RequestException) as problem:
            raise self._harness(problem) from None

    def remove_labelled(self, label: str, *, prune_images: bool = False) -> int:
        """Remove every container, image and network carrying `label`; how many were removed."""
        found = self.labelled(label)
        for container in found["containers"]:
            self.remove_container(container["Id"])
        for image in found["images"]:
            self.remove_image(image["Id"], prune=prune_images)
        for network in found["networks"]:
            try:
                self.api.remove_network(network["Id"])
            except (docker.errors.APIError, requests.exceptions.RequestException) as problem:
                log.warning("could not remove network %s: %s", network.get("Name"), problem)
        return sum(len(items) for items in found.values())

    def _harness(self, problem: Exception, doing: str = "the Docker engine failed") -> HarnessError:
        if isinstance(problem, requests.exceptions.ConnectionError):
            return EngineUnavailable(self.url, str(problem))
        message = _api_message(problem) if isinstance(problem, docker.errors.APIError) else str(problem)
        return HarnessError(f"{doing}: {message}")


class ContainerStartFailed(Exception):
    """The engine refused to start the student's container (bad entrypoint, missing executable)."""


def _api_message(problem: Exception) -> str:
    explanation = getattr(problem, "explanation", None)
    if explanation:
        return str(explanation.decode() if isinstance(explanation, bytes) else explanation).strip()
    return str(problem).strip()


_MACHINE_PROBLEMS = ("no space left on device", "cannot allocate memory", "too many open files",
                     "read-only file system", "input/output error")


def _is_machine_problem(message: str) -> bool:
    lowered = message.lower()
    return any(problem in lowered for problem in _MACHINE_PROBLEMS)


def _sockets_of(response: Any) -> list[Any]:
    """The socket objects under a streaming `requests` response, whatever the transport (unix, tcp, tls)."""
    found: list[Any] = []
    candidates = []
    raw = getattr(response, "raw", None)
    connection = getattr(raw, "_connection", None)
    candidates.append(getattr(connection, "sock", None))
    fp = getattr(getattr(raw, "_fp", None), "fp", None)
    inner = getattr(fp, "raw", None)
    candidates += [getattr(inner, "_sock", None), getattr(inner, "sock", None)]
    for candidate in candidates:
        if candidate is not None and hasattr(candidate, "settimeout") and candidate not in found:
            found.append(candidate)
    return found


def _read_multiplexed(sock: Any, deadline: float, limit: int = 65536) -> str:
    """The stdout+stderr of an exec's attached socket (Docker's 8-byte frame headers removed), up to `limit`."""
    buffer = b""
    try:
        while time.monotonic() < deadline and len(buffer) < limit + 8:
            sock.settimeout(max(0.01, deadline - time.monotonic()))
            chunk = sock.recv(65536)
            if not chunk:
                break
            buffer += chunk
    except (socket.timeout, OSError):
        pass
    output = bytearray()
    position = 0
    while position + 8 <= len(buffer):
        size = int.from_bytes(buffer[position + 4: position + 8], "big")
        output += buffer[position + 8: position + 8 + size]
        position += 8 + size
    return bytes(output[:limit]).decode("utf-8", "replace")


class _ChunkReader(io.RawIOBase):
    """A file-like view of an iterator of byte chunks (for tarfile's stream mode)."""

    def __init__(self, chunks: Iterator[bytes]) -> None:
        self._chunks = iter(chunks)
        self._pending = b""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        while not self._pending:
            try:
                self._pending = next(self._chunks)
            except StopIteration:
                return 0
        size = min(len(buffer), len(self._pending))
        buffer[:size] = self._pending[:size]
        self._pending = self._pending[size:]
        return size


def engine_time(value: Any) -> float | None:
    """A time the engine gave (epoch seconds, or RFC 3339 with nanoseconds) as epoch seconds; None if neither."""
    if isinstance(value, (int, float)):
        return float(value)
    if not isinstance(value, str) or not value:
        return None
    cleaned = re.sub(r"(\.\d{6})\d*", r"\1", value.replace("Z", "+00:00"))
    try:
        return datetime.datetime.fromisoformat(cleaned).timestamp()
    except ValueError:
        return None


CGROUPS = Path("/sys/fs/cgroup")
ENTRY_BYTES = 4096  # what a file or folder costs on disk at the least (its inode and block), empty or not


def disk_usage(folder: Path, most_entries: int = 100_000) -> int:
    """The disk a folder's files take (their blocks, sparse files at their real size, each entry at least
    ENTRY_BYTES); past `most_entries` entries the walk stops, and what it counted already says "too much"."""
    used, entries, pending = 0, 0, [folder]
    while pending and entries < most_entries:
        try:
            with os.scandir(pending.pop()) as listing:
                for entry in listing:
                    entries += 1
                    info = entry.stat(follow_symlinks=False)
                    used += max(info.st_blocks * 512, ENTRY_BYTES)
                    if entry.is_dir(follow_symlinks=False):
                        pending.append(Path(entry.path))
        except OSError:
            continue  # removed while we walked
    return used


def forks_refused(pid: int) -> int | None:
    """The `max` count of pids.events of the cgroup of process `pid` of this host (cgroup v1 or v2): the forks
    refused there at its process limit. None where there is no such file."""
    try:
        memberships = Path(f"/proc/{pid}/cgroup").read_text(encoding="utf-8").splitlines()
    except OSError:
        return None
    for membership in memberships:
        _, controllers, path = membership.split(":", 2)
        if "pids" in controllers.split(","):
            folder = CGROUPS / "pids" / path.lstrip("/")
        elif controllers == "":
            folder = CGROUPS / path.lstrip("/")
        else:
            continue
        try:
            events = (folder / "pids.events").read_text(encoding="utf-8").split()
        except OSError:
            continue
        if events[:1] == ["max"] and len(events) > 1 and events[1].isdigit():
            return int(events[1])
    return None
