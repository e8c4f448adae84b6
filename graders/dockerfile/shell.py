"""RUN bodies as shell commands: bashlex first, a plain tokenizer for what bashlex does not implement."""

from __future__ import annotations

import functools
import os
import re
import shlex
from collections.abc import Callable
from dataclasses import dataclass, field

import bashlex
import bashlex.ast
import bashlex.errors

SHELLS = frozenset({"sh", "bash", "dash", "zsh", "ash"})
_VARIABLE = re.compile(r"\$(?:\{([A-Za-z_][A-Za-z0-9_]*)(?::?-([^}]*))?\}|([A-Za-z_][A-Za-z0-9_]*))")
_PUNCTUATION = ";&|()<>\n"
_ASSIGNMENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*=")


@dataclass(frozen=True)
class Command:
    """One simple command of a RUN: `DEBIAN_FRONTEND=noninteractive apt-get install -y x`."""

    argv: tuple[str, ...]
    line: int
    statement: int  # commands of one pipeline share a statement number
    env: dict[str, str] = field(default_factory=dict, compare=False)
    written: tuple[str, ...] = field(default=(), compare=False)  # argv's words as written, quotes kept

    @property
    def name(self) -> str:
        return os.path.basename(self.argv[0]) if self.argv else ""

    @property
    def text(self) -> str:
        """The command as a student would read it (quotes the shell removed are not put back)."""
        return " ".join(self.argv)


@dataclass(frozen=True)
class Script:
    commands: tuple[Command, ...]
    statements: int
    error: str | None = None


class ShellSyntaxError(Exception):
    pass


@dataclass(frozen=True)
class _Parsed:
    """A parse independent of line numbers and variables, so it can be cached by text."""

    # (offset, statement, assignments, words, the words as written)
    commands: tuple[tuple[int, int, tuple[str, ...], tuple[str, ...], tuple[str, ...]], ...]
    statements: int


def parse_script(text: str, line_at: Callable[[int], int], variables: dict[str, str]) -> Script:
    """Parse shell text; `line_at(offset)` maps a character offset to a Dockerfile line."""
    try:
        parsed = _parse_cached(text)
    except ShellSyntaxError as error:
        return Script((), 0, str(error))
    commands: list[Command] = []
    shift = 0  # each `sh -c` wrapper is replaced by the statements of its script
    for offset, statement, assignments, words, written in parsed.commands:
        env = dict(a.split("=", 1) for a in (expand(a, variables) for a in assignments))
        argv = tuple(expand(word, variables) for word in words)
        line = line_at(offset)
        nested = _nested_script(argv)
        if nested is None:
            commands.append(Command(argv, line, statement + shift, env, written))
            continue
        inner = parse_script(nested, _always(line), {**variables, **env})
        if inner.error:
            return Script((), 0, inner.error)
        commands.extend(
            Command(c.argv, c.line, statement + shift + c.statement - 1, {**env, **c.env}, c.written)
            for c in inner.commands
        )
        shift += inner.statements - 1
    return Script(tuple(commands), parsed.statements + shift)


def expand(word: str, variables: dict[str, str]) -> str:
    """Substitute $NAME, ${NAME} and ${NAME:-default} where the Dockerfile defines NAME."""
    if "$" not in word:
        return word

    def substitute(match: re.Match[str]) -> str:
        name = match.group(1) or match.group(3)
        if name in variables:
            return variables[name]
        if match.group(2) is not None:
            return match.group(2)
        return match.group(0)

    return _VARIABLE.sub(substitute, word)


def _nested_script(argv: tuple[str, ...]) -> str | None:
    """The script of `sh -c "..."` / `bash -ec '...'`, else None."""
    if not argv or os.path.basename(argv[0]) not in SHELLS:
        return None
    for index, word in enumerate(argv[1:], start=1):
        if word.startswith("-") and not word.startswith("--") and "c" in word[1:]:
            return argv[index + 1] if index + 1 < len(argv) else ""
        if not word.startswith("-"):
            return None
    return None


@functools.lru_cache(maxsize=4096)
def _parse_cached(text: str) -> _Parsed:
    if not text.strip():
        return _Parsed((), 0)
    try:
        trees = bashlex.parse(text)
        collector = _Collector(text)
        for tree in trees:
            collector.visit(tree)
    except bashlex.errors.ParsingError as error:
        if "matching" in str(error) or "EOF" in str(error):
            raise ShellSyntaxError(_describe_unterminated(str(error))) from None
        return _tokenize(text)
    # bashlex and the tree's visit recurse: thousands of nested `(` or `$(` overflow Python's stack
    except (NotImplementedError, AttributeError, IndexError, TypeError, ValueError, AssertionError, RecursionError):
        return _tokenize(text)
    return _Parsed(tuple(collector.commands), collector.statements)


def _describe_unterminated(message: str) -> str:
    quote = re.search(r"matching ['\"](.)['\"]", message)
    if quote:
        return f"unterminated {quote.group(1)} quote"
    return "unexpected end of the command"


class _Collector:
    def __init__(self, text: str) -> None:
        self.text = text
        self.commands: list[tuple[int, int, tuple[str, ...], tuple[str, ...], tuple[str, ...]]] = []
        self.statements = 0

    def visit(self, node: bashlex.ast.node, in_pipeline: bool = False) -> None:
        kind = node.kind
        if kind == "pipeline":
            self.statements += 1
            for part in node.parts:
                if part.kind not in ("pipe", "reservedword"):
                    self.visit(part, in_pipeline=True)
        elif kind == "command":
            if not in_pipeline:
                self.statements += 1
            self._add_command(node)
        else:
            for part in getattr(node, "parts", None) or getattr(node, "list", None) or ():
                if part.kind not in ("operator", "reservedword", "pipe", "word", "redirect"):
                    self.visit(part)

    def _add_command(self, node: bashlex.ast.node) -> None:
        assignments = tuple(p.word for p in node.parts if p.kind == "assignment")
        parts = [p for p in node.parts if p.kind == "word"]
        words = tuple(p.word for p in parts)
        if words or assignments:
            written = tuple(self.text[p.pos[0] : p.pos[1]] for p in parts)
            self.commands.append((node.pos[0], self.statements, assignments, words, written))


def _tokenize(text: str) -> _Parsed:
    """Shell syntax bashlex does not implement (`[[ ]]`, `case`, `$(( ))`): split on operators only."""
    lexer = shlex.shlex(text, posix=True, punctuation_chars=_PUNCTUATION)
    lexer.whitespace = " \t\r"
    lexer.whitespace_split = True
    lexer.commenters = ""
    try:
        tokens = list(lexer)
    except ValueError as error:
        raise ShellSyntaxError("unterminated quote") from error
    commands: list[tuple[int, int, tuple[str, ...], tuple[str, ...], tuple[str, ...]]] = []
    statements = 0
    words: list[str] = []
    in_pipeline = skip_redirect_target = False
    for token in tokens + [";"]:
        if set(token) <= set(_PUNCTUATION):
            if "<" in token or ">" in token:
                skip_redirect_target = True
                continue
            if words:
                statements += not in_pipeline
                split = next((i for i, w in enumerate(words) if not _ASSIGNMENT.match(w)), len(words))
                commands.append((0, statements, tuple(words[:split]), tuple(words[split:]), ()))
            words = []
            in_pipeline = token in ("|", "|&")
        elif skip_redirect_target:
            skip_redirect_target = False
        else:
            words.append(token)
    return _Parsed(tuple(commands), statements)


def expands_glob(written: str) -> bool:
    """Whether the shell expands a pattern in this word as written: a `*`, `?` or `[` outside quotes, not escaped."""
    quote = None
    escaped = False
    for char in written:
        if escaped:
            escaped = False
        elif char == "\\" and quote != "'":
            escaped = True
        elif quote:
            quote = None if char == quote else quote
        elif char in "'\"":
            quote = char
        elif char in "*?[":
            return True
    return False


def _always(line: int) -> Callable[[int], int]:
    """A nested script's offsets all map to the line of the command that holds it."""
    return lambda _offset: line
