"""What a check is: an id, a title, a hint and a pure function that returns a Verdict."""

from __future__ import annotations

import dataclasses
import enum
import inspect
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable


class Status(str, enum.Enum):
    PASSED = "passed"
    FAILED = "failed"
    SKIPPED = "skipped"
    ERROR = "error"


@dataclass(frozen=True)
class Verdict:
    status: Status
    message: str = ""
    line: int | None = None
    settled: bool = False  # an error this machine would give again (see Inconclusive): --resume leaves it


def passed(message: str = "", line: int | None = None) -> Verdict:
    return Verdict(Status.PASSED, message, line)


def failed(message: str, line: int | None = None) -> Verdict:
    return Verdict(Status.FAILED, message, line)


def skipped(reason: str) -> Verdict:
    return Verdict(Status.SKIPPED, reason)


def error(message: str, *, settled: bool = False) -> Verdict:
    return Verdict(Status.ERROR, message, settled=settled)


class Blocked(Exception):
    """A dynamic check's prerequisite (the image, the container) failed."""

    def __init__(self, prerequisite: str) -> None:
        super().__init__(f"blocked: {prerequisite} failed")
        self.prerequisite = prerequisite


class HarnessError(Exception):
    """The harness or the machine failed, not the student: reported as status `error`."""


class Inconclusive(HarnessError):
    """This machine cannot grade it at all (a build that failed on an offline stand-in base image, a base image an
    offline machine does not pull): an `error` that grading again here would repeat, so `--resume` leaves it."""


class Kind(str, enum.Enum):
    STATIC = "static"
    DYNAMIC = "dynamic"


@dataclass(frozen=True)
class Check:
    id: str
    title: str
    hint: str
    kind: Kind
    function: Callable[..., Verdict] = field(repr=False)
    reads_run_commands: bool = False
    origin: Path | None = None  # the module of an exercise's own check; None for a built-in one

    @property
    def parameters(self) -> dict[str, inspect.Parameter]:
        """The parameters a rubric may set: the function's keyword-only arguments."""
        signature = inspect.signature(self.function)
        return {
            name: parameter
            for name, parameter in signature.parameters.items()
            if parameter.kind is inspect.Parameter.KEYWORD_ONLY
        }

    def __call__(self, context: Any, **parameters: Any) -> Verdict:
        return self.function(context, **parameters)

    def located(self, origin: Path) -> Check:
        return dataclasses.replace(self, origin=origin)

    def __reduce__(self):
        """Sent to a worker process by id (and module path): the module holds the Check, not the function."""
        return (registered, (self.id, self.origin))


def registered(check_id: str, origin: Path | None = None) -> Check:
    if origin is not None:
        from ..exercise import local_check

        return local_check(origin)
    from .registry import REGISTRY

    return REGISTRY[check_id]


def static_check(id: str, *, title: str, hint: str, reads_run_commands: bool = False):
    def register(function: Callable[..., Verdict]) -> Check:
        return Check(id, title, hint, Kind.STATIC, function, reads_run_commands)

    return register


def dynamic_check(id: str, *, title: str, hint: str):
    def register(function: Callable[..., Verdict]) -> Check:
        return Check(id, title, hint, Kind.DYNAMIC, function)

    return register
