"""The rubric as data: which checks each task runs, with which parameters and points (rubric.toml)."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .checks.registry import REGISTRY
from .checks.base import Check

SCHEMA = "graders.rubric/1"
DEFAULT_RUBRIC = Path(__file__).with_name("rubric.toml")
_REQUIRED_TASK_KEYS = {"title", "dockerfiles", "tag", "checks"}
_TASK_KEYS = _REQUIRED_TASK_KEYS | {"ignored_advisories"}


class RubricError(Exception):
    """The rubric file itself is wrong: the instructor's problem, never a student's failure."""


@dataclass(frozen=True)
class CheckSpec:
    check: Check
    points: int = 1
    parameters: dict[str, Any] = field(default_factory=dict)

    @property
    def id(self) -> str:
        return self.check.id


@dataclass(frozen=True)
class TaskSpec:
    id: str
    title: str
    dockerfiles: tuple[str, ...]
    tag: str
    checks: tuple[CheckSpec, ...]
    ignored_advisories: frozenset[str] = frozenset()  # linter codes this task's exercise asks students to trigger

    def spec(self, check_id: str) -> CheckSpec | None:
        return next((spec for spec in self.checks if spec.id == check_id), None)

    @property
    def base_image(self) -> str | None:
        spec = self.spec("base-image")
        return spec.parameters.get("image") if spec else None


@dataclass(frozen=True)
class Rubric:
    tasks: dict[str, TaskSpec]

    @property
    def dockerfile_names(self) -> set[str]:
        return {name.lower() for task in self.tasks.values() for name in task.dockerfiles}

    def select(self, task_ids: list[str] | None) -> list[TaskSpec]:
        if not task_ids:
            return list(self.tasks.values())
        unknown = [task_id for task_id in task_ids if task_id not in self.tasks]
        if unknown:
            raise RubricError(f"unknown task {', '.join(unknown)}; the rubric's tasks are {', '.join(self.tasks)}")
        return [self.tasks[task_id] for task_id in task_ids]


def load_rubric(path: Path = DEFAULT_RUBRIC) -> Rubric:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as problem:
        raise RubricError(f"{path}: {problem}") from None
    if data.get("schema") != SCHEMA:
        raise RubricError(f"{path}: `schema` must be {SCHEMA!r}, found {data.get('schema')!r}")
    tasks = {task_id: _task(path, task_id, table) for task_id, table in data.get("tasks", {}).items()}
    if not tasks:
        raise RubricError(f"{path}: no [tasks.<id>] table")
    return Rubric(tasks)


def _task(path: Path, task_id: str, table: dict[str, Any]) -> TaskSpec:
    where = f"{path}: task {task_id}"
    unknown = set(table) - _TASK_KEYS
    if unknown:
        raise RubricError(f"{where}: unknown key(s) {', '.join(sorted(unknown))} (known: {', '.join(sorted(_TASK_KEYS))})")
    missing = _REQUIRED_TASK_KEYS - set(table)
    if missing:
        raise RubricError(f"{where}: missing key(s) {', '.join(sorted(missing))}")
    checks = tuple(_check(where, check_id, settings) for check_id, settings in table["checks"].items())
    ignored = frozenset(table.get("ignored_advisories", ()))
    return TaskSpec(task_id, table["title"], tuple(table["dockerfiles"]), table["tag"], checks, ignored)


def _check(where: str, check_id: str, settings: dict[str, Any]) -> CheckSpec:
    check = REGISTRY.get(check_id)
    if check is None:
        raise RubricError(f"{where}: unknown check {check_id!r}")
    settings = dict(settings)
    points = settings.pop("points", 1)
    if not isinstance(points, int) or points < 0:
        raise RubricError(f"{where}: check {check_id!r}: points must be a whole number >= 0")
    allowed = check.parameters
    unknown = set(settings) - set(allowed)
    if unknown:
        known = ", ".join(allowed) or "none"
        raise RubricError(f"{where}: check {check_id!r}: unknown parameter(s) {', '.join(sorted(unknown))} (known: {known})")
    required = {name for name, parameter in allowed.items() if parameter.default is parameter.empty}
    if required - set(settings):
        raise RubricError(f"{where}: check {check_id!r}: missing parameter(s) {', '.join(sorted(required - set(settings)))}")
    return CheckSpec(check, points, {name: _freeze(value) for name, value in settings.items()})


def _freeze(value: Any) -> Any:
    """TOML arrays become tuples, so parameters compare equal to the model's tuples and stay immutable."""
    if isinstance(value, list):
        return tuple(_freeze(item) for item in value)
    return value
