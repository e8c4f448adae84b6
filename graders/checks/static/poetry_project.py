import functools
import json
from typing import Any

from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

from ... import toml as tomllib
from ...core import Verdict, failed, passed
from ...submission import UnreadableFile
from ..base import static_check
from ..context import StaticContext
from ._python_packages import Pin, parse_requirement


@static_check(
    "poetry-project",
    title="pyproject.toml and poetry.lock pin the app's dependencies",
    hint="Run `poetry add` with each exact version ({dependencies}) and commit `pyproject.toml` and `poetry.lock`.",
)
def check(context: StaticContext, *, dependencies: tuple[str, ...]) -> Verdict:
    pins = [Pin.parse(text) for text in dependencies]
    add_all = "poetry add " + " ".join(f'"{pin.text}"' for pin in pins)
    pyproject, problem = _load(context, "pyproject.toml", f"create it with `poetry init`, then run `{add_all}`",
                               "fix the place it names")
    if problem:
        return failed(problem)
    lock, problem = _load(context, "poetry.lock", "run `poetry lock` and commit it: `poetry install` installs the "
                          "versions it locks", "delete it and run `poetry lock`")
    if problem:
        return failed(problem)
    declared = _declarations(pyproject)
    wrong, problems = [], []
    for pin in pins:
        reasons = [(written, pin.mismatch(extras, spec)) for written, extras, spec in declared.get(pin.name, [])]
        if any(reason is None for _written, reason in reasons):
            continue
        wrong.append(pin)
        problems.append(f"`{reasons[-1][0]}` {reasons[-1][1]}" if reasons else f"`{pin.name}` is not declared")
    if problems:
        add = "poetry add " + " ".join(f'"{pin.text}"' for pin in wrong)
        return failed(f"`pyproject.toml`: {'; '.join(problems)}; run `{add}`")
    locked = _locked_versions(lock)
    lock_problems = [_lock_problem(pin, locked.get(pin.name, [])) for pin in pins]
    if any(lock_problems):
        return failed(f"`poetry.lock` {'; '.join(p for p in lock_problems if p)}; run `poetry lock` and commit it")
    return passed()


@functools.lru_cache(maxsize=64)  # the same lock file is read by task 3-1 and 3-2 alike
def _parse_toml(text: str) -> dict[str, Any]:
    return tomllib.loads(text)


def _load(context: StaticContext, name: str, missing_fix: str, invalid_fix: str) -> tuple[dict[str, Any], str | None]:
    try:
        text = context.read(name)
    except UnreadableFile as problem:
        return {}, str(problem)
    if text is None:
        return {}, f"no `{name}` in the submission; {missing_fix}"
    try:
        return _parse_toml(text), None
    except tomllib.TOMLDecodeError as error:
        return {}, f"`{name}` is not valid TOML ({error}); {invalid_fix}"


def _table(data: dict[str, Any], *keys: str) -> dict[str, Any]:
    value: object = data
    for key in keys:
        value = value.get(key) if isinstance(value, dict) else None
    return value if isinstance(value, dict) else {}


def _declarations(pyproject: dict[str, Any]) -> dict[str, list[tuple[str, list[str], str]]]:
    """Each dependency's declarations: (as written, extras, PEP 440 specifier), poetry and PEP 621 styles."""
    declared: dict[str, list[tuple[str, list[str], str]]] = {}
    for name, value in _table(pyproject, "tool", "poetry", "dependencies").items():
        for entry in value if isinstance(value, list) else [value]:
            if isinstance(entry, dict):
                written = f"{name} = {{{', '.join(f'{key} = {json.dumps(item)}' for key, item in entry.items())}}}"
                extras = [str(extra) for extra in entry.get("extras", [])]
                constraint = str(entry.get("version", ""))
            else:
                written, extras, constraint = f"{name} = {json.dumps(entry)}", [], str(entry)
            declared.setdefault(canonicalize_name(name), []).append((written, extras, _pep440(constraint)))
    project_dependencies = _table(pyproject, "project").get("dependencies", [])
    for text in project_dependencies if isinstance(project_dependencies, list) else []:
        requirement = parse_requirement(str(text))
        if requirement:
            entry = (json.dumps(text), list(requirement.extras), str(requirement.specifier))
            declared.setdefault(canonicalize_name(requirement.name), []).append(entry)
    return declared


def _pep440(constraint: str) -> str:
    """Poetry's `0.78.0` and `=0.78.0` mean `==0.78.0`; `^0.78.0` and `~0.78.0` stay ranges (invalid PEP 440)."""
    constraint = constraint.strip()
    if constraint[:1].isdigit():
        return f"=={constraint}"
    if constraint.startswith("=") and not constraint.startswith("=="):
        return f"={constraint}"
    return constraint


def _locked_versions(lock: dict[str, Any]) -> dict[str, list[str]]:
    locked: dict[str, list[str]] = {}
    packages = lock.get("package", [])
    for package in packages if isinstance(packages, list) else []:
        if isinstance(package, dict) and "name" in package:
            locked.setdefault(canonicalize_name(str(package["name"])), []).append(str(package.get("version", "")))
    return locked


def _lock_problem(pin: Pin, versions: list[str]) -> str | None:
    if not versions:
        return f"has no `{pin.name}`"
    if any(_same_version(version, pin.version) for version in versions):
        return None
    return f"locks `{pin.name}` {', '.join(versions)}, not {pin.version}"


def _same_version(text: str, version: Version) -> bool:
    try:
        return Version(text) == version
    except InvalidVersion:
        return False
