"""Why a build failed, in words a student can act on: the common causes of `graders/build_causes.toml`, recognised in
the build log.

The file is data, read once and strictly (an unknown key, a pattern that does not compile or matches an empty
line, a placeholder no pattern defines is a `BuildCausesError` naming the entry). `diagnose(log_lines,
failing_step)` names the first cause the failing step's output shows, in log order, once, whatever the number of
matching lines. Each line is read up to LINE_CHARS characters and each precompiled pattern, which starts with a
literal, is searched once (never past the earliest match so far): a log of 16 MiB costs a fraction of a second.

A cause is the student's (`builds` stays failed, with the explanation and the fix) or the machine's (`builds` is an
error: a PPA or a package index out of reach says nothing about the Dockerfile).
"""

from __future__ import annotations

import re
import string
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Literal, TypeVar

import pydantic
from pydantic_core import ErrorDetails

from .toml import TOMLDecodeError, toml_loads

SCHEMA = "graders.build-causes/1"
CAUSES_FILE = Path(__file__).with_name("build_causes.toml")
LINE_CHARS = 512  # each log line is read up to here (the engine keeps 2,000; a cause is named early in its line)
SHOWN_CHARS = 160  # a log line or a matched value quoted in the explanation
BUILTIN_FIELDS = frozenset({"line"})  # `{line}`: the log line that shows the cause

_STEP = re.compile(r"^Step \d+/\d+ : (.*)$")
_FROM = re.compile(r"(?i)^FROM\s")
_LITERAL_START = re.compile(r"[^\\^$.|?*+()\[\]{}]{3}")  # three plain characters: what `re` searches for fast


class BuildCausesError(Exception):
    """The causes file is wrong: the harness's own data, so the harness does not start."""


@dataclass(frozen=True)
class Cause:
    """One cause, as found in one build log."""

    id: str
    fault: str  # "student" or "machine"
    explanation: str
    fix: str
    evidence: str  # the log line that shows it

    @property
    def text(self) -> str:
        """What the `builds` verdict adds: the cause and the fix, on a line each."""
        whose = " (the machine's, not the Dockerfile's)" if self.fault == "machine" else ""
        return f"cause{whose}: {self.explanation}\nfix: {self.fix}"


# --- the file's shape ------------------------------------------------------------------------------------------


class _Strict(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="forbid", strict=True, frozen=True)


_Model = TypeVar("_Model", bound=_Strict)
_Text = Annotated[str, pydantic.StringConstraints(min_length=1)]


class _Entry(_Strict):
    id: Annotated[str, pydantic.StringConstraints(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$")]
    fault: Literal["student", "machine"]
    patterns: list[_Text] = pydantic.Field(min_length=1)
    step: _Text | None = None
    unless_before: _Text | None = None
    explanation: _Text
    fix: _Text


class _File(_Strict):
    schema_: str = pydantic.Field(alias="schema")
    causes: list[dict[str, object]] = pydantic.Field(min_length=1)


@dataclass(frozen=True)
class _Rule:
    id: str
    fault: str
    explanation: str
    fix: str
    patterns: tuple[re.Pattern[str], ...]
    step: re.Pattern[str] | None
    unless_before: re.Pattern[str] | None


# --- the catalogue ---------------------------------------------------------------------------------------------


class Catalogue:
    """The causes of one file, compiled: `diagnose` is the only thing a caller needs."""

    def __init__(self, rules: tuple[_Rule, ...]) -> None:
        self.rules = rules

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(rule.id for rule in self.rules)

    def diagnose(self, log_lines: Sequence[str], failing_step: str | None = None) -> Cause | None:
        """The first cause the failing step's output shows (the lines after the log's last "Step N/M : ..."; the
        whole log when it names no step), or None. Each pattern starts with a literal, which `re` finds as fast as
        `str.find`: one search of each over the lines, each line cut at LINE_CHARS, and none past the line of the
        earliest match so far."""
        start, header, stage = _failing_step(log_lines)
        step_text = _instruction(failing_step) if failing_step else header
        eligible = [rule for rule in self.rules if _applies(rule, step_text, stage)]
        if not eligible:
            return None
        text = "\n".join(line[:LINE_CHARS] for line in log_lines[start:])
        best: re.Match[str] | None = None
        chosen: _Rule | None = None
        end = len(text)
        for rule in eligible:  # in file order: on the same character, the earlier entry wins
            for pattern in rule.patterns:
                found = pattern.search(text, 0, end)
                if found is not None and (best is None or found.start() < best.start()):
                    best, chosen = found, rule
                    line_end = text.find("\n", found.start())
                    end = line_end if line_end >= 0 else len(text)  # an earlier match lies within this line
        if best is None or chosen is None:
            return None
        first = text.rfind("\n", 0, best.start()) + 1
        values = _Values(line=_excerpt(text[first:end], best.start() - first))
        values.update((name, _shown(value)) for name, value in best.groupdict().items() if value is not None)
        return Cause(chosen.id, chosen.fault, chosen.explanation.format_map(values), chosen.fix.format_map(values),
                     values["line"])


class _Values(dict[str, str]):
    def __missing__(self, key: str) -> str:  # a group of the pattern that did not take part in the match
        return ""


def _failing_step(lines: Sequence[str]) -> tuple[int, str | None, list[str]]:
    """Where the failing step's output starts, its instruction, and the instructions of its stage before it (in
    order), as the log names them."""
    start, header, stage = 0, None, []
    for index in range(len(lines) - 1, -1, -1):
        line = lines[index]
        if not line.startswith("Step "):
            continue
        found = _STEP.match(line[:LINE_CHARS])
        if found is None:
            continue
        instruction = found.group(1)
        if header is None:
            start, header = index + 1, instruction
        else:
            stage.append(instruction)
        if _FROM.match(instruction):
            break
    stage.reverse()
    return start, header, stage


def _instruction(step: str) -> str:
    found = _STEP.match(step[:LINE_CHARS])
    return found.group(1) if found else step[:LINE_CHARS]


def _applies(rule: _Rule, step_text: str | None, stage: list[str]) -> bool:
    cut = len(step_text or "")
    if rule.step is not None:
        found = rule.step.search(step_text) if step_text else None
        if found is None:
            return False
        cut = found.start()
    if rule.unless_before is not None:
        before = "\n".join([*stage, (step_text or "")[:cut]])
        if rule.unless_before.search(before):
            return False
    return True


def _excerpt(line: str, at: int) -> str:
    """The line, or the part of it around character `at` (where the match starts) when it is too long to quote."""
    stripped = line.strip()
    at -= len(line) - len(line.lstrip())
    if len(stripped) <= SHOWN_CHARS:
        return _shown(stripped)
    start = max(0, min(at - SHOWN_CHARS // 3, len(stripped) - SHOWN_CHARS + 1))
    return _shown(("…" if start else "") + stripped[start:])


def _shown(value: str) -> str:
    value = value.replace("`", "'")
    return value if len(value) <= SHOWN_CHARS else value[: SHOWN_CHARS - 1] + "…"


# --- loading ---------------------------------------------------------------------------------------------------


def load(path: Path = CAUSES_FILE) -> Catalogue:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as problem:
        raise BuildCausesError(f"{path}: {problem}") from None
    return parse(text, str(path))


def parse(text: str, where: str = "the build causes") -> Catalogue:
    """A catalogue from the text of a causes file; any mistake is a BuildCausesError that names the entry."""
    try:
        data = toml_loads(text)
    except TOMLDecodeError as problem:
        raise BuildCausesError(f"{where}: not valid TOML: {problem}") from None
    table = _validated(_File, data, where)
    if table.schema_ != SCHEMA:
        raise BuildCausesError(f"{where}: schema: expected {SCHEMA!r}, found {table.schema_!r}")
    rules, seen = [], set()
    for number, raw in enumerate(table.causes):
        name = raw.get("id") if isinstance(raw.get("id"), str) else None
        place = f"{where}: causes[{number}]" + (f" ({name})" if name else "")
        entry = _validated(_Entry, raw, place)
        if entry.id in seen:
            raise BuildCausesError(f"{place}: id: {entry.id!r} is given twice")
        seen.add(entry.id)
        rules.append(_rule(entry, place))
    return Catalogue(tuple(rules))


def _rule(entry: _Entry, place: str) -> _Rule:
    patterns = tuple(_pattern(text, f"{place}: patterns[{number}]") for number, text in enumerate(entry.patterns))
    common = set.intersection(*(set(pattern.groupindex) for pattern in patterns)) | BUILTIN_FIELDS
    for key in ("explanation", "fix"):
        for field in _fields(getattr(entry, key), f"{place}: {key}"):
            if field not in common:
                raise BuildCausesError(f"{place}: {key}: `{{{field}}}` is not `{{line}}` nor a named group of every "
                                       f"pattern (they define: {', '.join(sorted(common - BUILTIN_FIELDS)) or 'none'})")
    return _Rule(entry.id, entry.fault, entry.explanation, entry.fix, patterns,
                 _compiled(entry.step, f"{place}: step") if entry.step else None,
                 _compiled(entry.unless_before, f"{place}: unless_before") if entry.unless_before else None)


def _pattern(text: str, where: str) -> re.Pattern[str]:
    if "\n" in text or "\\n" in text:
        raise BuildCausesError(f"{where}: a pattern matches within one log line: no newline")
    pattern = _compiled(text, where, re.MULTILINE)
    if BUILTIN_FIELDS & set(pattern.groupindex):
        raise BuildCausesError(f"{where}: {text!r}: `line` is the matched line's own name; call the group otherwise")
    if pattern.search("") is not None:
        raise BuildCausesError(f"{where}: {text!r} matches an empty line, hence every log")
    if not _LITERAL_START.match(text):
        raise BuildCausesError(f"{where}: {text!r} must start with three plain characters (no `^`, `\\b`, group or "
                               "escape first): `re` then finds it in a 16 MiB log in milliseconds")
    return pattern


def _compiled(text: str, where: str, flags: int = 0) -> re.Pattern[str]:
    try:
        return re.compile(text, flags)
    except re.error as problem:
        raise BuildCausesError(f"{where}: {text!r} is not a valid regular expression: {problem}") from None


def _fields(template: str, where: str) -> list[str]:
    try:
        parsed = list(string.Formatter().parse(template))
    except ValueError as problem:
        raise BuildCausesError(f"{where}: {problem} (write a literal brace as `{{{{` or `}}}}`)") from None
    fields = []
    for _, field, spec, conversion in parsed:
        if field is None:
            continue
        if not field.isidentifier() or spec or conversion:
            raise BuildCausesError(f"{where}: `{{{field}}}`: a placeholder is a plain name, `{{package}}`")
        fields.append(field)
    return fields


def _validated(model: type[_Model], data: object, where: str) -> _Model:
    try:
        return model.model_validate(data)
    except pydantic.ValidationError as problem:
        raise BuildCausesError(f"{where}: " + "; ".join(_explain(error) for error in problem.errors())) from None


def _explain(error: ErrorDetails) -> str:
    key = ".".join(str(part) for part in error["loc"] if part != "schema_") or "the file"
    if error["loc"] and error["loc"][0] == "schema_":
        key = "schema"
    if error["type"] == "extra_forbidden":
        return f"{key}: unknown key"
    if error["type"] == "missing":
        return f"{key}: missing"
    message = re.sub(r"\b[Ll]ist\b", "array", error["msg"]).replace("dictionary", "table")
    return f"{key}: {message[0].lower()}{message[1:]}, found {error.get('input')!r}"[:300]


CATALOGUE = load()  # read once, at import: a broken file stops the harness at its start, never mid-batch


def diagnose(log_lines: Sequence[str], failing_step: str | None = None) -> Cause | None:
    """The first cause of the shipped catalogue that the failing step's log shows, or None."""
    return CATALOGUE.diagnose(log_lines, failing_step)
