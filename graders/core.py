"""The harness's core types: a check's verdict and its status, and the errors that are the harness's or the
machine's, never the student's. Every other module may import this one; it imports none of them."""

from __future__ import annotations

import enum
from dataclasses import dataclass


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
    blocked_by: str | None = None  # the check whose failure this one could not go past (see Blocked)


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
