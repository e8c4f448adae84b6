"""An exercise as data: a folder holding `exercise.toml`, its starter files, its own checks and its submissions.

`exercise.toml` names the exercise (title, version), the starter files every batch build context starts from, the
submission's files laid over them, the base images its offline stand-ins provide, and per task the Dockerfile
names, the required tag and the checks it runs, each with its parameters, points, and optionally its own title
and hint. Titles and hints are templates: `{image}` is the check's parameter `image`, `{task_tag}` the task's tag.

Loading is strict: every key and every parameter's type is checked against the check's signature (pydantic), and a
mistake is an `ExerciseError` that names the file, the task, the check and the key: the instructor's problem,
never a student's failure.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import string
import typing
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Annotated, Any, TypeVar

import pydantic
from pydantic_core import ErrorDetails

from .checks.base import Check, module_check
from .checks.registry import REGISTRY
from .toml import TOMLDecodeError, toml_loads

SCHEMA = "graders.exercise/1"
EXERCISES = Path(__file__).resolve().parents[1] / "exercises"
DEFAULT_EXERCISE = "docker-fundamentals-2022"
EXERCISE_FILE = "exercise.toml"
CONFIG_FILE = "graders.toml"  # at a student repo's root: `exercise = "docker-fundamentals-2023"`, its edition
LOCAL_CHECKS = "checks"  # the exercise's own checks: one module per check, as in graders/checks/
_RESERVED = frozenset({"check", "points", "title", "hint"})  # an entry's keys that are not the check's parameters
_TASK_FIELDS = ("id", "tag", "title", "dockerfile")  # what `{task_...}` names in a title or hint


class ExerciseError(Exception):
    """The exercise's data is wrong or absent: the instructor's problem, never a student's failure."""


@dataclass(frozen=True)
class CheckSpec:
    """One check of a task: the entry's id (reports use it), the generic check it runs, and how."""

    id: str
    check: Check
    points: int = 1
    parameters: dict[str, Any] = field(default_factory=dict)
    title: str = ""
    hint: str = ""


@dataclass(frozen=True)
class TaskSpec:
    id: str
    title: str
    dockerfiles: tuple[str, ...]
    tag: str
    checks: tuple[CheckSpec, ...]
    ignored_advisories: frozenset[str] = frozenset()  # linter codes this task's exercise asks students to trigger
    make_name: str = ""  # the suffix of the student's make targets: `make testTask1`

    def spec(self, check_id: str) -> CheckSpec | None:
        return next((spec for spec in self.checks if spec.id == check_id), None)

    @property
    def base_image(self) -> str | None:
        spec = self.spec("base-image")
        return spec.parameters.get("image") if spec else None


@dataclass(frozen=True)
class Student:
    """What the student's make targets need beyond the tasks: the port `make runTask1` publishes, and the registry
    `make pushTask1` pushes to, written with make variables the student sets (`PROJECT_ID=...`)."""

    port: int = 0
    registry: str = ""
    variables: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Exercise:
    name: str
    title: str
    version: str
    folder: Path
    tasks: dict[str, TaskSpec]
    starter: tuple[str, ...] = ()  # files and folders of the exercise folder every batch build context starts from
    overlaid: tuple[str, ...] = ()  # the submission's files laid over them (glob patterns)
    offline_bases: dict[str, str] = field(default_factory=dict)  # base image -> stand-in recipe
    student: Student = field(default_factory=lambda: Student())

    @property
    def dockerfile_names(self) -> set[str]:
        return {name.lower() for task in self.tasks.values() for name in task.dockerfiles}

    @cached_property
    def digest(self) -> str:
        """sha256 of every file of the exercise but its submissions: two runs with equal digests graded alike."""
        hashed = hashlib.sha256()
        for path in sorted(self._graded_files()):
            hashed.update(path.relative_to(self.folder).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
        return "sha256:" + hashed.hexdigest()

    def _graded_files(self) -> Iterator[Path]:
        yield self.folder / EXERCISE_FILE
        for name in self.starter:
            path = self.folder / name
            yield from (sorted(p for p in path.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
                        if path.is_dir() else [path])
        yield from (self.folder / LOCAL_CHECKS).glob("*.py")

    def select(self, task_ids: list[str] | None) -> list[TaskSpec]:
        if not task_ids:
            return list(self.tasks.values())
        unknown = [task_id for task_id in task_ids if task_id not in self.tasks]
        if unknown:
            raise ExerciseError(f"unknown task {', '.join(unknown)}; the tasks of {self.name} are "
                                f"{', '.join(self.tasks)}")
        return [self.tasks[task_id] for task_id in task_ids]


def available() -> dict[str, Path]:
    """The exercises shipped with the harness: name -> folder."""
    found: dict[str, Path] = {}
    for folder in (EXERCISES, Path.cwd() / "exercises"):  # the repo's, and the course's where the package runs
        for path in sorted(folder.glob(f"*/{EXERCISE_FILE}")):
            found.setdefault(path.parent.name, path.parent.resolve())
    return found


def find(name_or_path: str | Path | None) -> Path:
    """The folder of an exercise given by name (`docker-fundamentals-2023`) or by the path of its folder."""
    if name_or_path is None or name_or_path == "":
        name_or_path = DEFAULT_EXERCISE
    shipped = available()
    if str(name_or_path) in shipped:
        return shipped[str(name_or_path)]
    path = Path(name_or_path)
    if path.name == EXERCISE_FILE:
        path = path.parent
    if (path / EXERCISE_FILE).is_file():
        return path.resolve()
    listed = ", ".join(shipped) or "none"
    raise ExerciseError(f"no exercise {str(name_or_path)!r}: give the name of one of the available exercises "
                        f"({listed}) or the path of a folder holding {EXERCISE_FILE}")


def load_exercise(name_or_path: str | Path | None = None) -> Exercise:
    folder = find(name_or_path)
    return _load(folder, folder / EXERCISE_FILE)


def configured_exercise(root: Path) -> str | None:
    """The exercise that `graders.toml` at `root` names (a relative folder path is read from `root`), or None."""
    path = root / CONFIG_FILE
    if not path.is_file():
        return None
    try:
        data = toml_loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, TOMLDecodeError) as problem:
        raise ExerciseError(f"{path}: {problem}") from None
    name = data.get("exercise")
    if not isinstance(name, str) or set(data) - {"exercise"}:
        raise ExerciseError(f'{path}: expected one key, `exercise = "NAME"` (or the path of an exercise folder)')
    return str(root / name) if name not in available() and (root / name).is_dir() else name


# --- the file's shape ------------------------------------------------------------------------------------------


class _Strict(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="forbid", strict=True, frozen=True)


_Model = TypeVar("_Model", bound=_Strict)


class _TaskTable(_Strict):
    title: str
    dockerfiles: tuple[Annotated[str, pydantic.StringConstraints(min_length=1)], ...] = pydantic.Field(min_length=1)
    tag: str
    checks: dict[str, dict[str, Any]]
    make: str = ""
    ignored_advisories: tuple[str, ...] = ()


class _StudentTable(_Strict):
    port: int = 0
    registry: str = ""
    variables: dict[str, str] = {}


class _ExerciseTable(_Strict):
    schema_: str = pydantic.Field(alias="schema")
    name: str
    title: str
    version: str
    starter: tuple[str, ...] = ()
    overlaid: tuple[str, ...] = ()
    offline_bases: dict[str, typing.Literal["debian", "python-slim", "python"]] = {}
    student: _StudentTable = _StudentTable()
    tasks: dict[str, _TaskTable] = pydantic.Field(min_length=1)


def _load(folder: Path, path: Path) -> Exercise:
    try:
        data = _freeze(toml_loads(path.read_text(encoding="utf-8")))
    except (OSError, UnicodeDecodeError) as problem:
        raise ExerciseError(f"{path}: {problem}") from None
    except TOMLDecodeError as problem:
        given_twice = "overwrite" in str(problem) or "twice" in str(problem)
        twice = " (a key, a check or a task given twice?)" if given_twice else ""
        raise ExerciseError(f"{path}: {problem}{twice}") from None
    if data.get("schema") != SCHEMA:
        raise ExerciseError(f"{path}: `schema` must be {SCHEMA!r}, found {data.get('schema')!r}")
    table = _validated(_ExerciseTable, data, str(path))
    if table.name != folder.name:
        raise ExerciseError(f"{path}: `name` is {table.name!r}, but the folder is {folder.name!r}: make them equal")
    for name in table.starter:
        if not _inside(folder, name) or not (folder / name).exists():
            raise ExerciseError(f"{path}: the starter file {name!r} is not in {folder}")
    checks = {**REGISTRY, **_local_checks(folder, path)}
    tasks = {task_id: _task(path, task_id, task, checks) for task_id, task in table.tasks.items()}
    student = Student(table.student.port, table.student.registry, dict(table.student.variables))
    return Exercise(table.name, table.title, table.version, folder, tasks, table.starter, table.overlaid,
                    dict(table.offline_bases), student)


def _task(path: Path, task_id: str, table: _TaskTable, checks: dict[str, Check]) -> TaskSpec:
    where = f"{path}: task {task_id}"
    make_name = table.make or task_id[:1].upper() + task_id[1:]
    task = TaskSpec(task_id, table.title, table.dockerfiles, table.tag, (), frozenset(table.ignored_advisories),
                    make_name)
    specs = tuple(_check(where, entry_id, settings, checks, task) for entry_id, settings in table.checks.items())
    return dataclasses.replace(task, checks=specs)


def _check(where: str, entry_id: str, settings: dict[str, Any], checks: dict[str, Check], task: TaskSpec) -> CheckSpec:
    where = f"{where}: check {entry_id!r}"
    check_id = settings.get("check", entry_id)
    check = checks.get(check_id) if isinstance(check_id, str) else None
    if check is None:
        raise ExerciseError(f"{where}: unknown check {check_id!r} (known: {', '.join(sorted(checks))})")
    points = settings.get("points", 1)
    if type(points) is not int or points < 0:
        raise ExerciseError(f"{where}: points: expected a whole number >= 0, found {_found(points)}")
    for key in ("title", "hint"):
        if not isinstance(settings.get(key, ""), str):
            raise ExerciseError(f"{where}: {key}: expected a string, found {_found(settings[key])}")
    parameters = {key: value for key, value in settings.items() if key not in _RESERVED}
    validated = _validated(_parameters_model(check), parameters, where)
    values = {name: getattr(validated, name) for name in type(validated).model_fields}
    given = {name: values[name] for name in parameters}
    title = _render(where, "title", settings.get("title", check.title), values, task)
    hint = _render(where, "hint", settings.get("hint", check.hint), values, task)
    return CheckSpec(entry_id, check, points, given, title, hint)


def _parameters_model(check: Check) -> type[_Strict]:
    """The check's keyword-only parameters as a strict model: their annotations are the types a file must give."""
    hints = typing.get_type_hints(check.function)
    fields: dict[str, Any] = {}
    for name, parameter in check.parameters.items():
        default = ... if parameter.default is parameter.empty else parameter.default
        fields[name] = (hints.get(name, Any), default)
    return pydantic.create_model(f"Parameters_{check.id}", __base__=_Strict, **fields)


def _validated(model: type[_Model], data: dict[str, Any], where: str) -> _Model:
    try:
        return model.model_validate(data)
    except pydantic.ValidationError as problem:
        raise ExerciseError(f"{where}: " + "; ".join(_explain(error) for error in problem.errors())) from None


def _explain(error: ErrorDetails) -> str:
    """One pydantic error as the author of the file reads it: TOML's words (array, table), not Python's."""
    key = ".".join(str(part) for part in error["loc"] if part != "schema_") or "the file"
    kind = error["type"]
    if kind == "extra_forbidden":
        return f"{key}: unknown key"
    if kind == "missing":
        return f"{key}: missing"
    message = error["msg"].replace("tuple", "array").replace("dictionary", "table")
    return f"{key}: {message[0].lower()}{message[1:]}, found {_found(error.get('input'))}"


def _found(value: Any) -> str:
    kinds = {bool: "a boolean", int: "a number", float: "a number", str: "a string", tuple: "an array",
             dict: "a table"}
    text = json.dumps(value, default=list, ensure_ascii=False) if not isinstance(value, tuple) else \
        json.dumps(list(value), default=list, ensure_ascii=False)
    return f"{kinds.get(type(value), type(value).__name__)} {text[:60]}"


def _render(where: str, key: str, template: str, values: dict[str, Any], task: TaskSpec) -> str:
    """A title or hint with the check's parameters and the task's own values put in."""
    known = {**{name: _text(value) for name, value in values.items()},
             **{f"task_{name}": _text(value) for name, value in _task_values(task).items()}}
    try:
        fields = [name for _text_before, name, _spec, _conversion in string.Formatter().parse(template) if name]
    except ValueError as problem:
        raise ExerciseError(f"{where}: {key}: {problem} (write a literal brace as {{{{ or }}}})") from None
    unknown = sorted({name for name in fields if name not in known})
    if unknown:
        raise ExerciseError(f"{where}: {key}: unknown placeholder {', '.join('{' + n + '}' for n in unknown)} "
                            f"(known: {', '.join('{' + n + '}' for n in known)})")
    return template.format_map(known)


def _task_values(task: TaskSpec) -> dict[str, Any]:
    return {"id": task.id, "tag": task.tag, "title": task.title, "dockerfile": task.dockerfiles[0]}


def _text(value: Any) -> str:
    """A parameter as a hint shows it: an array of words as a JSON array, of arrays as alternatives."""
    if isinstance(value, tuple) and value and all(isinstance(item, tuple) for item in value):
        return " or ".join(json.dumps(list(item)) for item in value)
    if isinstance(value, tuple):
        return ", ".join(map(str, value))
    return str(value)


def _freeze(value: Any) -> Any:
    """TOML arrays become tuples: parameters compare equal to the model's tuples and stay immutable."""
    if isinstance(value, list):
        return tuple(_freeze(item) for item in value)
    if isinstance(value, dict):
        return {key: _freeze(item) for key, item in value.items()}
    return value


def _inside(folder: Path, name: str) -> bool:
    return (folder / name).resolve().is_relative_to(folder.resolve())


def _local_checks(folder: Path, path: Path) -> dict[str, Check]:
    """The exercise's own checks (`checks/<id>.py`, each defining one `check`), registered beside the built-in
    ones: a check only one course needs lives with that course, not in graders/."""
    found: dict[str, Check] = {}
    for module_path in sorted((folder / LOCAL_CHECKS).glob("[!_]*.py")):
        try:
            check = module_check(module_path)
        except Exception as problem:  # the exercise author's code: any failure is theirs to read
            raise ExerciseError(f"{module_path}: cannot be loaded: {type(problem).__name__}: {problem}") from None
        expected = module_path.stem.replace("_", "-")
        if not isinstance(check, Check) or check.id != expected:
            raise ExerciseError(f"{module_path}: must define one `check` made by @static_check({expected!r}, ...) "
                                "or @dynamic_check")
        if check.id in REGISTRY:
            raise ExerciseError(f"{module_path}: the check {check.id!r} is built in already: give yours another id")
        found[check.id] = check
    return found
