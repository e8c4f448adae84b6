"""Python package specs: the rubric's pins, and what a stage's `pip install`s name, `-r` files included."""

import functools
import posixpath
import re
from collections.abc import Iterable
from dataclasses import dataclass

from packaging.requirements import InvalidRequirement, Requirement
from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

from ...dockerfile import Instruction, PipCall, Stage, pip_call
from ...dockerfile.calls import split_arguments
from ...submission import UnreadableFile
from ..context import StaticContext

_COMMENT = re.compile(r"(^|\s+)#.*$")  # pip's own rule for requirements files
_MAX_NESTING = 10


@dataclass(frozen=True)
class Pin:
    """A package the rubric requires at one exact version: `uvicorn[standard]==0.17.6`."""

    text: str
    name: str  # PEP 503 normalised
    extras: frozenset[str]
    version: Version

    @classmethod
    @functools.lru_cache(maxsize=256)
    def parse(cls, text: str) -> "Pin":
        requirement = Requirement(text)
        specifiers = list(requirement.specifier)
        if len(specifiers) != 1 or specifiers[0].operator != "==":
            raise ValueError(f"rubric pin {text!r} is not NAME==VERSION")
        extras = frozenset(canonicalize_name(extra) for extra in requirement.extras)
        return cls(text, canonicalize_name(requirement.name), extras, Version(specifiers[0].version))

    @property
    def shell_word(self) -> str:
        """The pin as written on a command line: brackets are glob characters, so quoted."""
        return f'"{self.text}"' if "[" in self.text else self.text

    def mismatch(self, extras: Iterable[str], specifier: str) -> str | None:
        """Why a declaration with these extras and PEP 440 specifier is not this pin, or None when it is."""
        reasons = []
        missing = self.extras - {canonicalize_name(extra) for extra in extras}
        if missing:
            reasons.append(f"lacks the `[{','.join(sorted(missing))}]` extra")
        version_problem = self._version_problem(specifier.strip())
        if version_problem:
            reasons.append(version_problem)
        return " and ".join(reasons) or None

    def _version_problem(self, specifier: str) -> str | None:
        if specifier in ("", "*"):
            return "is not pinned to a version"
        try:
            specifiers = list(SpecifierSet(specifier))
            if len(specifiers) == 1 and specifiers[0].operator == "==":
                version = Version(specifiers[0].version)
                return None if version == self.version else f"pins version {version}, not {self.version}"
        except (InvalidSpecifier, InvalidVersion):
            pass
        return "is a version range, which admits other versions"


@dataclass(frozen=True)
class Named:
    """A requirement that a pip install names, on its command line or in a requirements file."""

    requirement: Requirement
    text: str  # as written
    line: int  # of the pip command in the Dockerfile
    origin: str | None  # the requirements file, relative to the build context

    @property
    def name(self) -> str:
        return canonicalize_name(self.requirement.name)

    @property
    def where(self) -> str:
        return f"line {self.line}" if self.origin is None else f"`{self.origin}` (read by `-r` on line {self.line})"


@dataclass(frozen=True)
class Unread:
    """A requirements file a pip install reads that the submission lacks or that cannot be read."""

    line: int
    path: str
    reason: str  # a clause: "`requirements.txt` is not in the submission"


def pip_installs(stage: Stage) -> list[tuple[Instruction, PipCall]]:
    installs = []
    for run, command in stage.commands():
        call = pip_call(command)
        if call is not None and call.action == "install":
            installs.append((run, call))
    return installs


def named_requirements(context: StaticContext, call: PipCall) -> tuple[list[Named], list[Unread]]:
    """The requirements a pip install names: its operands, then its `-r` files (nested ones too)."""
    line = call.command.line
    named = [Named(r, text, line, None) for text in call.requirements if (r := parse_requirement(text))]
    unread: list[Unread] = []
    pending = [(path, "") for path in call.requirement_files]
    seen: set[str] = set()
    while pending and len(seen) < _MAX_NESTING:
        path, base = pending.pop(0)
        located, text, reason = _read_requirements_file(context, path, base)
        if text is None:
            unread.append(Unread(line, path, reason))
            continue
        if located in seen:
            continue
        seen.add(located)
        requirements, nested = _parse_requirements_file(text)
        named.extend(Named(r, written, line, located) for written, r in requirements)
        pending.extend((nested_path, posixpath.dirname(located)) for nested_path in nested)
    return named, unread


@functools.lru_cache(maxsize=4096)  # a class writes the same few requirements over and over
def parse_requirement(text: str) -> Requirement | None:
    try:
        return Requirement(text)
    except InvalidRequirement:
        return None  # a path, a URL or an option value: not a package name


def _read_requirements_file(context: StaticContext, path: str, base: str) -> tuple[str, str | None, str]:
    """(context-relative path, text or None, why it is None), trying where a COPY into WORKDIR would put it."""
    for candidate in _candidates(path, base):
        try:
            text = context.read(candidate)
        except UnreadableFile as problem:
            return candidate, None, str(problem)
        if text is not None:
            return candidate, text, ""
    return path, None, f"`{path}` is not in the submission"


def _candidates(path: str, base: str) -> list[str]:
    """`/server/req/a.txt` -> `server/req/a.txt`, `req/a.txt`, `a.txt`; a relative path is tried under `base` first."""
    parts = [part for part in posixpath.normpath(path).split("/") if part not in ("", ".")]
    suffixes = ["/".join(parts[index:]) for index in range(len(parts))]
    if path.startswith("/"):
        return suffixes
    return [posixpath.normpath(posixpath.join(base, path))] + suffixes


def _parse_requirements_file(text: str) -> tuple[list[tuple[str, Requirement]], list[str]]:
    """Requirement lines (as written, parsed) and nested `-r` paths of a requirements file."""
    requirements: list[tuple[str, Requirement]] = []
    nested: list[str] = []
    for line in _logical_lines(text):
        words = line.split()
        if not words:
            continue
        if words[0].startswith("-"):
            options, _operands = split_arguments(tuple(words), frozenset({"-r", "--requirement"}))
            nested.extend(options.values("-r", "--requirement"))
            continue
        # like pip: the requirement ends at the first per-requirement option (`--hash=...`)
        end = next((index for index, word in enumerate(words) if word.startswith("-")), len(words))
        written = " ".join(words[:end])
        requirement = parse_requirement(written)
        if requirement is not None:
            requirements.append((written, requirement))
    return requirements, nested


def _logical_lines(text: str) -> list[str]:
    lines: list[str] = []
    pending = ""
    for physical in text.splitlines():
        stripped = _COMMENT.sub("", physical)
        if stripped.endswith("\\"):
            pending += stripped[:-1]
            continue
        lines.append(pending + stripped)
        pending = ""
    return lines + ([pending] if pending else [])
