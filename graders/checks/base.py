"""What a check is: an id, a title, a hint and a pure function that returns a Verdict (graders.core)."""

from __future__ import annotations

import dataclasses
import enum
import hashlib
import importlib
import importlib.util
import inspect
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

from ..core import Verdict
from .context import StaticContext
from .session import DynamicSession


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

    def __call__(self, context: StaticContext | DynamicSession, **parameters: Any) -> Verdict:
        return self.function(context, **parameters)

    def __reduce__(self) -> tuple[Callable[[str, Path | None], Check], tuple[str, Path | None]]:
        """Sent to a worker process by id (and module path): the module holds the Check, not the function."""
        return (registered, (self.function.__module__, self.origin))


def registered(module: str, origin: Path | None = None) -> Check:
    """The Check of a module: built in (by module name), or an exercise's own (by its file)."""
    if origin is None:
        check: Check = importlib.import_module(module).check
        return check
    # A Check with an origin was returned by module_check for that file: its module defines that check.
    return cast(Check, module_check(origin))


def module_check(path: Path) -> Check | None:
    """The `check` of an exercise's own module (`checks/<id>.py` of its folder), imported once per process, with
    its file as its origin (a worker process gets it back by path); None when the module defines none."""
    path = path.resolve()
    name = f"graders_exercise_checks.{path.stem}_{hashlib.sha1(str(path).encode()).hexdigest()[:12]}"
    module = sys.modules.get(name)
    if module is None:
        spec = importlib.util.spec_from_file_location(name, path)
        if spec is None or spec.loader is None:
            raise ImportError(f"{path}: not a Python module that can be imported")
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        try:
            spec.loader.exec_module(module)
        except BaseException:
            del sys.modules[name]
            raise
    check = getattr(module, "check", None)
    if isinstance(check, Check) and check.origin is None:
        check = dataclasses.replace(check, origin=path)
        module.__dict__["check"] = check
    return check if isinstance(check, Check) else None


def static_check(
    id: str, *, title: str, hint: str, reads_run_commands: bool = False
) -> Callable[[Callable[..., Verdict]], Check]:
    def register(function: Callable[..., Verdict]) -> Check:
        return Check(id, title, hint, Kind.STATIC, function, reads_run_commands)

    return register


def dynamic_check(id: str, *, title: str, hint: str) -> Callable[[Callable[..., Verdict]], Check]:
    def register(function: Callable[..., Verdict]) -> Check:
        return Check(id, title, hint, Kind.DYNAMIC, function)

    return register
