"""Grading results, and their JSON form (schema `graders.results/1` of shared/interface.md)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import Any

from .core import Status

SCHEMA = "graders.results/1"


@dataclass(frozen=True)
class CheckResult:
    id: str
    status: Status
    points: int
    max_points: int
    title: str = ""
    line: int | None = None
    message: str = ""
    hint: str = ""
    settled: bool = field(default=False, compare=False)  # an error this machine would repeat; not in the JSON

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id, "status": self.status.value, "points": self.points, "max_points": self.max_points,
            "line": self.line, "message": self.message, "hint": self.hint, "title": self.title,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> CheckResult:
        return cls(
            data["id"], Status(data["status"]), data["points"], data["max_points"], data.get("title", ""),
            data.get("line"), data.get("message", ""), data.get("hint", ""),
        )


@dataclass(frozen=True)
class Score:
    """The one score rule, for every total the harness shows: the points of the passed checks, out of the points of
    the checks not skipped (a check that could not be run here, static-only or without a registry, counts neither
    way)."""

    points: int
    max_points: int

    @classmethod
    def of(cls, checks: Iterable[CheckResult]) -> Score:
        checks = tuple(checks)
        return cls(sum(check.points for check in checks if check.status is Status.PASSED),
                   sum(check.max_points for check in checks if check.status is not Status.SKIPPED))


@dataclass(frozen=True)
class ImageInfo:
    tag: str
    id: str
    size_bytes: int
    layers: int
    standin_base: str | None = None  # the base image an offline stand-in replaced, if any


@dataclass(frozen=True)
class Advisory:
    tool: str
    code: str
    line: int | None
    message: str


@dataclass(frozen=True)
class TaskResult:
    task: str
    status: str  # "graded" | "missing"
    dockerfile: str | None
    checks: tuple[CheckResult, ...] = ()
    image: ImageInfo | None = None
    advisories: tuple[Advisory, ...] = ()
    source: str | None = None  # the Dockerfile's text, for reports that show failures next to their lines

    @property
    def score(self) -> int:
        return Score.of(self.checks).points

    @property
    def max_score(self) -> int:
        return Score.of(self.checks).max_points

    def to_dict(self) -> dict[str, Any]:
        return {
            "task": self.task, "status": self.status, "dockerfile": self.dockerfile,
            "score": self.score, "max_score": self.max_score,
            "checks": [check.to_dict() for check in self.checks],
            "image": asdict(self.image) if self.image else None,
            "advisories": [asdict(advisory) for advisory in self.advisories],
            "source": self.source,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TaskResult:
        return cls(
            data["task"], data["status"], data.get("dockerfile"),
            tuple(CheckResult.from_dict(check) for check in data.get("checks", [])),
            ImageInfo(**data["image"]) if data.get("image") else None,
            tuple(Advisory(**advisory) for advisory in data.get("advisories", [])),
            data.get("source"),
        )


@dataclass(frozen=True)
class SubmissionResult:
    id: str
    tasks: tuple[TaskResult, ...] = field(default_factory=tuple)

    @property
    def score(self) -> int:
        return sum(task.score for task in self.tasks)

    @property
    def max_score(self) -> int:
        return sum(task.max_score for task in self.tasks)

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "tasks": [task.to_dict() for task in self.tasks]}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SubmissionResult:
        return cls(data["id"], tuple(TaskResult.from_dict(task) for task in data.get("tasks", [])))


def results_document(submissions: list[SubmissionResult], run: dict[str, Any] | None = None) -> dict[str, Any]:
    """The JSON document; `run` says what was graded against (the exercise, the harness's version)."""
    document: dict[str, Any] = {"schema": SCHEMA}
    if run is not None:
        document["run"] = run
    document["submissions"] = [submission.to_dict() for submission in submissions]
    return document
