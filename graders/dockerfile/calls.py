"""What a shell command means to the exercise: apt, pip, poetry, rm and add-apt-repository calls.

Each recognizer takes a `Command` and returns a typed call, or None when the command is something else.
Options are split from operands with the tool's own list of options that take a value.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .shell import Command, expands_glob

_APT_VALUE_OPTIONS = frozenset({"-o", "--option", "-c", "--config-file", "-t", "--target-release", "--default-release"})
_PIP_VALUE_OPTIONS = frozenset(
    {
        "-r", "--requirement", "-c", "--constraint", "-e", "--editable", "-i", "--index-url", "--extra-index-url",
        "-f", "--find-links", "-t", "--target", "--prefix", "--root", "--src", "--upgrade-strategy",
        "--progress-bar", "--platform", "--python-version", "--implementation", "--abi", "--only-binary",
        "--no-binary", "--log", "--proxy", "--retries", "--timeout", "--exists-action", "--trusted-host", "--cert",
        "--client-cert", "--cache-dir", "--global-option", "--install-option", "-C", "--config-settings", "--report",
        "--python", "--keyring-provider", "--use-feature", "--use-deprecated", "--group",
    }
)
_POETRY_VALUE_OPTIONS = frozenset({"--only", "--without", "--with", "-E", "--extras", "-C", "--directory", "-P",
                                   "--project"})
_PIP_PROGRAM = re.compile(r"^pip[0-9.]*$")
_PYTHON_PROGRAM = re.compile(r"^python[0-9.]*$")
_FALSE_WORDS = frozenset({"0", "false", "no", "off"})
_BOOLEAN_WORDS = _FALSE_WORDS | {"1", "true", "yes", "on", "y", "n", "t", "f"}


@dataclass(frozen=True)
class Options:
    """A command's options: flags, and options with their values, in order."""

    items: tuple[tuple[str, str | None], ...]

    def has(self, *names: str) -> bool:
        return any(name in names for name, _value in self.items)

    def values(self, *names: str) -> list[str]:
        return [value for name, value in self.items if name in names and value is not None]

    def short_flags(self) -> set[str]:
        """Single-letter flags, with combined spellings like `-rf` expanded."""
        letters: set[str] = set()
        for name, value in self.items:
            if name.startswith("-") and not name.startswith("--") and value is None:
                letters.update(name[1:])
        return letters


def split_arguments(words: tuple[str, ...], value_options: frozenset[str]) -> tuple[Options, list[str]]:
    options: list[tuple[str, str | None]] = []
    operands: list[str] = []
    index = 0
    while index < len(words):
        word = words[index]
        if word == "--":
            operands.extend(words[index + 1 :])
            break
        if word.startswith("--") and "=" in word:
            name, value = word.split("=", 1)
            options.append((name, value))
        elif word in value_options:
            options.append((word, words[index + 1] if index + 1 < len(words) else ""))
            index += 1
        elif word.startswith("-") and len(word) > 2 and not word.startswith("--") and word[:2] in value_options:
            options.append((word[:2], word[2:].lstrip("=")))
        elif word.startswith("-") and word != "-":
            options.append((word, None))
        else:
            operands.append(word)
        index += 1
    return Options(tuple(options)), operands


@dataclass(frozen=True)
class AptCall:
    command: Command
    action: str  # install, update, remove, ...
    packages: tuple[str, ...]
    options: Options

    @property
    def installs_recommends(self) -> bool:
        if self.options.has("--no-install-recommends"):
            return False
        for value in self.options.values("-o", "--option"):
            key, _, setting = value.partition("=")
            if key.lower() == "apt::install-recommends" and setting.strip("\"'").lower() in _FALSE_WORDS:
                return False
        return True

    def names(self, package: str) -> bool:
        """Whether this call names `package` (`python3.8`, `python3.8=3.8.12-1`, `python3.8:amd64` too)."""
        return any(re.split(r"[=:/]", candidate, maxsplit=1)[0] == package for candidate in self.packages)


def apt_call(command: Command) -> AptCall | None:
    if command.name not in ("apt-get", "apt", "aptitude"):
        return None
    options, operands = split_arguments(command.argv[1:], _APT_VALUE_OPTIONS)
    if not operands:
        return AptCall(command, "", (), options)
    return AptCall(command, operands[0], tuple(operands[1:]), options)


@dataclass(frozen=True)
class PipCall:
    command: Command
    action: str
    requirements: tuple[str, ...]  # operands: `fastapi==0.78.0`, `uvicorn[standard]==0.17.6`
    options: Options

    @property
    def requirement_files(self) -> list[str]:
        return self.options.values("-r", "--requirement")

    def disables_cache(self, environment: dict[str, str]) -> bool:
        """`--no-cache-dir`, or PIP_NO_CACHE_DIR set for this command (by assignment, ENV or ARG)."""
        if self.options.has("--no-cache-dir"):
            return True
        # pip disables its cache for any boolean spelling, "false" included (pip's _handle_no_cache_dir).
        value = {**environment, **self.command.env}.get("PIP_NO_CACHE_DIR", "")
        return value.strip().lower() in _BOOLEAN_WORDS


def pip_call(command: Command) -> PipCall | None:
    argv = command.argv
    if _PIP_PROGRAM.match(command.name):
        rest = argv[1:]
    elif _PYTHON_PROGRAM.match(command.name) and argv[1:3] == ("-m", "pip"):
        rest = argv[3:]
    else:
        return None
    options, operands = split_arguments(rest, _PIP_VALUE_OPTIONS)
    return PipCall(command, operands[0] if operands else "", tuple(operands[1:]), options)


@dataclass(frozen=True)
class PoetryCall:
    command: Command
    action: str
    operands: tuple[str, ...]
    options: Options

    @property
    def skips_dev_dependencies(self) -> bool:
        if self.options.has("--no-dev"):
            return True
        only = [group for value in self.options.values("--only") for group in value.split(",")]
        if only:
            return "dev" not in only
        return any("dev" in value.split(",") for value in self.options.values("--without"))


def poetry_call(command: Command) -> PoetryCall | None:
    if command.name != "poetry":
        return None
    options, operands = split_arguments(command.argv[1:], _POETRY_VALUE_OPTIONS)
    return PoetryCall(command, operands[0] if operands else "", tuple(operands[1:]), options)


@dataclass(frozen=True)
class RemoveCall:
    command: Command
    paths: tuple[str, ...]
    options: Options
    unexpanded: frozenset[str] = frozenset()  # paths with a `*` the shell does not expand (quoted, exec form)

    @property
    def recursive_and_forced(self) -> bool:
        letters = self.options.short_flags()
        recursive = bool(letters & {"r", "R"}) or self.options.has("--recursive")
        return recursive and ("f" in letters or self.options.has("--force"))


def remove_call(command: Command) -> RemoveCall | None:
    if command.name != "rm":
        return None
    options, operands = split_arguments(command.argv[1:], frozenset())
    unexpanded = frozenset(word for word, written in zip(command.argv, command.written)
                           if "*" in word and not expands_glob(written))
    return RemoveCall(command, tuple(operands), options, unexpanded)


@dataclass(frozen=True)
class AddRepositoryCall:
    command: Command
    repositories: tuple[str, ...]
    options: Options


def add_repository_call(command: Command) -> AddRepositoryCall | None:
    if command.name not in ("add-apt-repository", "apt-add-repository"):
        return None
    options, operands = split_arguments(command.argv[1:], frozenset({"-k", "--keyserver"}))
    return AddRepositoryCall(command, tuple(operands), options)
