"""Every access to the Docker engine, behind one small class (the Docker SDK's low-level API).

Nothing else in the harness imports `docker`, nor reaches into the SDK: the rest asks this class to build,
inspect, run, exec and remove, and gets plain Python values back. Errors of the engine or the machine become
`HarnessError` (status `error`), never a student's failure. The engine's host is not read here (graders.host).

A little over 400 lines on purpose: splitting it would make a second importer of the SDK, which this module is
the one place of.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import os
import socket
import tarfile
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any, cast

import docker
import docker.errors
import requests.exceptions
import urllib3.exceptions

from .core import HarnessError
from .engine_errors import BuildRefused, ContainerStartFailed, EngineUnavailable, StreamBroken, is_machine_problem
from .engine_wire import BuildEvent, BuildStream, archive_entries, read_multiplexed
from .limits import MIB, Limits
from .session_types import ArchiveEntry, ExecResult

log = logging.getLogger(__name__)

DEFAULT_URL = "unix:///var/run/docker.sock"
API_TIMEOUT = 120.0  # one API call (not a build, not a stream)
# how a streaming connection breaks: its deadline passed, the guard shut it, or the engine went away
_BROKEN = (socket.timeout, urllib3.exceptions.ReadTimeoutError, requests.exceptions.ReadTimeout,
           requests.exceptions.ConnectionError, urllib3.exceptions.ProtocolError)


def engine_url(base_url: str | None = None) -> str:
    return base_url or os.environ.get("DOCKER_HOST") or DEFAULT_URL


@contextlib.contextmanager
def _build_errors() -> Iterator[None]:
    """The SDK's errors of a build, as the build loop reads them."""
    try:
        yield
    except _BROKEN as broken:
        raise StreamBroken(str(broken)) from None
    except docker.errors.APIError as problem:
        raise BuildRefused(_api_message(problem)) from None
    except docker.errors.DockerException as problem:  # unreadable context, invalid tag...
        raise HarnessError(f"cannot build: {problem}") from None


def _build_events(items: Iterable[dict[str, Any]]) -> Iterator[BuildEvent]:
    """The SDK's decoded build stream as events, its errors translated."""
    with _build_errors():
        for item in items:
            if "stream" in item:
                yield BuildEvent("output", str(item["stream"]))
            elif "aux" in item and isinstance(item["aux"], dict) and "ID" in item["aux"]:
                yield BuildEvent("image", str(item["aux"]["ID"]))
            elif "error" in item:
                detail = item.get("errorDetail") or {}
                yield BuildEvent("error", str(detail.get("message") or item["error"]).strip())
            elif "status" in item:  # pulling a base image
                yield BuildEvent("output", " ".join(str(item[k]) for k in ("id", "status") if item.get(k)) + "\n")


class Engine:
    """One Docker engine (DOCKER_HOST, or `base_url`), reached through the Docker SDK."""

    def __init__(self, client: Any, url: str) -> None:
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
        return self._info().get("Name") == socket.gethostname()

    def cgroups(self) -> tuple[str, str]:
        """The engine's cgroup driver ("cgroupfs", "systemd"; "" when it does not say) and cgroup version."""
        info = self._info()
        return str(info.get("CgroupDriver") or ""), str(info.get("CgroupVersion") or "1")

    def _info(self) -> dict[str, Any]:
        try:
            return cast(dict[str, Any], self.api.info())
        except (docker.errors.APIError, requests.exceptions.RequestException):
            return {}

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

            def capture(url: str, *args: Any, _original: Any = original, **kwargs: Any) -> Any:
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

    def start_build(self, context: Path, dockerfile: str, tag: str, *, labels: dict[str, str] | None = None,
                    timeout: float = 900.0, limits: Limits | None = None,
                    cgroup_parent: str | None = None) -> BuildStream:
        """Start a build of `dockerfile` (relative to `context`, or a path outside it that the build must not copy)
        with the classic builder; the build loop reads its events (graders.build_loop).

        With `limits`, each RUN step gets their memory and CPUs; with `cgroup_parent`, the steps are made in that
        cgroup (the build's own, with its process limit: graders.host.BuildCgroup).
        """
        extra: dict[str, Any] = {}
        params: dict[str, str] = {}
        if limits is not None:
            memory = docker.utils.parse_bytes(limits.build_memory)
            extra["container_limits"] = {"memory": memory, "memswap": memory}
            params = {"cpuperiod": "100000", "cpuquota": str(max(1000, limits.nano_cpus // 10_000))}
        if cgroup_parent:
            params["cgroupparent"] = cgroup_parent
        with _build_errors():
            items, response = self._captured(
                lambda: self.api.build(
                    path=str(context), dockerfile=dockerfile, tag=tag, labels=labels or None, rm=True,
                    forcerm=True, decode=True, timeout=max(1, int(timeout)), **extra,
                ),
                params,
            )
        return BuildStream(_build_events(items), response)

    def inspect_image(self, reference: str) -> dict[str, Any] | None:
        try:
            return cast(dict[str, Any], self.api.inspect_image(reference))
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
        return str(created["Id"])

    def start(self, container: str) -> None:
        try:
            self.api.start(container)
        except docker.errors.APIError as problem:
            if is_machine_problem(_api_message(problem)):
                raise self._harness(problem, "cannot start a container") from None
            raise ContainerStartFailed(_api_message(problem)) from None  # bad entrypoint, unknown USER...
        except requests.exceptions.RequestException as problem:
            raise self._harness(problem, "cannot start a container") from None

    def confine(self, container: str, limits: Limits) -> None:
        """Give a container (a build's step, made by the builder) the limits' processes and CPUs, live."""
        update = {"PidsLimit": limits.pids_limit, "NanoCpus": limits.nano_cpus}
        try:  # the SDK's update_container knows neither
            self.api._post_json(self.api._url("/containers/{0}/update", container), data=update)
        except (docker.errors.APIError, requests.exceptions.RequestException) as problem:
            log.warning("could not confine build step %s: %s", container[:12], problem)

    def inspect_container(self, container: str) -> dict[str, Any] | None:
        try:
            return cast(dict[str, Any], self.api.inspect_container(container))
        except docker.errors.NotFound:
            return None
        except (docker.errors.APIError, requests.exceptions.RequestException) as problem:
            raise self._harness(problem) from None

    def container_writes(self, container: str) -> tuple[int, list[Path]] | None:
        """What a container wrote to its own layer (SizeRw), and the folders of its anonymous volumes (a
        Dockerfile's VOLUME, which SizeRw leaves out) on the engine's machine; None when it is gone."""
        try:
            response = self.api._get(self.api._url("/containers/{0}/json", container), params={"size": 1})
            attrs = self.api._result(response, json=True)
        except (docker.errors.APIError, requests.exceptions.RequestException):
            return None
        volumes = [Path(mount["Source"]) for mount in attrs.get("Mounts") or ()
                   if mount.get("Type") == "volume" and mount.get("Source")]
        return int(attrs.get("SizeRw") or 0), volumes

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
        output = read_multiplexed(getattr(sock, "_sock", sock), time.monotonic() + timeout)
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
        try:
            return archive_entries(chunks, limit)
        except tarfile.TarError as problem:
            raise HarnessError(f"cannot read {path} in the container: {problem}") from None
        finally:
            if response is not None:
                response.close()

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

    def _harness(self, problem: Exception, doing: str = "the Docker engine failed") -> HarnessError:
        if isinstance(problem, requests.exceptions.ConnectionError):
            return EngineUnavailable(self.url, str(problem))
        message = _api_message(problem) if isinstance(problem, docker.errors.APIError) else str(problem)
        return HarnessError(f"{doing}: {message}")


def _api_message(problem: Exception) -> str:
    explanation = getattr(problem, "explanation", None)
    if explanation:
        return str(explanation.decode() if isinstance(explanation, bytes) else explanation).strip()
    return str(problem).strip()

