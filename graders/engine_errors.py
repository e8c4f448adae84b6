"""What can go wrong with the Docker engine, as the rest of the harness reads it: the machine's problems
(HarnessError, status `error`) apart from the student's (a container that does not start, a build the engine
refuses)."""

from __future__ import annotations

from .core import HarnessError

_MACHINE_PROBLEMS = ("no space left on device", "cannot allocate memory", "too many open files",
                     "read-only file system", "input/output error")


class EngineUnavailable(HarnessError):
    """No Docker engine answers: dynamic checks are `error`, static grading still runs."""

    def __init__(self, url: str, detail: str = "") -> None:
        self.url = url
        self.detail = detail
        super().__init__(
            f"no Docker engine answers at {url}: start one (`make docker-engine` or `sudo dockerd &`), "
            "or grade with --static-only"
        )


class ContainerStartFailed(Exception):
    """The engine refused to start the student's container (bad entrypoint, missing executable)."""


class StreamBroken(Exception):
    """A build's connection broke: its deadline passed, it was shut, or the engine went away."""


class BuildRefused(Exception):
    """The engine answered the build request with an error (a Dockerfile it cannot read, a bad option)."""


def is_machine_problem(message: str) -> bool:
    """An engine error that is the machine's (its disk, its memory), whatever the Dockerfile."""
    lowered = message.lower()
    return any(problem in lowered for problem in _MACHINE_PROBLEMS)
