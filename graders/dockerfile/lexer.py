"""Split Dockerfile text into logical instructions, following BuildKit's own rules.

dockerfile-parse is not used here: it turns a comment line inside a backslash continuation into a fake
instruction, ends the instruction at an empty continuation line, and reads heredoc bodies as
instructions. The rules below are the ones BuildKit applies (frontend/dockerfile/parser).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_DIRECTIVE = re.compile(r"^#\s*([a-zA-Z][a-zA-Z0-9_-]*)\s*=\s*(.*?)\s*$")
_KEYWORD = re.compile(r"\s*(\S+)\s*")  # a lone `\` first leaves the next line's indent
_HEREDOC_WORD = re.compile(r"^<<(-?)\s*([\"']?)([A-Za-z_][A-Za-z0-9_]*)\2$")
HEREDOC_INSTRUCTIONS = frozenset({"RUN", "COPY", "ADD"})


@dataclass(frozen=True)
class Segment:
    """A piece of an instruction's argument text and the source line it came from."""

    offset: int
    line: int


@dataclass(frozen=True)
class Heredoc:
    name: str
    body: str
    line: int  # line of the body's first line
    strip_tabs: bool


@dataclass(frozen=True)
class RawInstruction:
    keyword: str  # as written; upper-cased by the model
    arguments: str  # continuations joined the way Docker joins them
    line: int
    end_line: int
    segments: tuple[Segment, ...]
    heredocs: tuple[Heredoc, ...]

    def line_at(self, offset: int) -> int:
        """The source line of a character offset into `arguments`."""
        line = self.line
        for segment in self.segments:
            if segment.offset > offset:
                break
            line = segment.line
        return line


@dataclass(frozen=True)
class Lexed:
    directives: dict[str, str]
    instructions: tuple[RawInstruction, ...]


def lex(text: str) -> Lexed:
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    directives = _read_directives(lines)
    escape = directives.get("escape", "\\")
    if escape not in ("\\", "`"):
        escape = "\\"
    continuation = re.compile(re.escape(escape) + r"[ \t]*$")

    instructions: list[RawInstruction] = []
    index = 0
    while index < len(lines):
        stripped = lines[index].strip()
        if not stripped or stripped.startswith("#"):
            index += 1
            continue
        start = index
        parts: list[str] = []
        segments: list[Segment] = []
        offset = 0
        while True:
            line = lines[index]
            text_part = line.lstrip() if index == start else line
            match = continuation.search(text_part)
            if match:
                text_part = text_part[: match.start()]
            segments.append(Segment(offset, index + 1))
            parts.append(text_part)
            offset += len(text_part)
            index += 1
            if not match:
                break
            index = _skip_comments_and_blanks(lines, index)
            if index >= len(lines):
                break
        joined = "".join(parts)
        head = _KEYWORD.match(joined)
        if head is None:  # only continuations, up to the end of the file: no instruction
            continue
        keyword, arguments_start = head.group(1), head.end()
        arguments = joined[arguments_start:].rstrip()
        shifted = tuple(Segment(max(0, s.offset - arguments_start), s.line) for s in segments)
        heredocs: tuple[Heredoc, ...] = ()
        end_line = index
        if keyword.upper() in HEREDOC_INSTRUCTIONS and "<<" in arguments:
            heredocs, index = _read_heredocs(arguments, lines, index)
            end_line = index
        instructions.append(
            RawInstruction(keyword, arguments, start + 1, end_line, shifted, heredocs)
        )
    return Lexed(directives, tuple(instructions))


def _read_directives(lines: list[str]) -> dict[str, str]:
    directives: dict[str, str] = {}
    for line in lines:
        match = _DIRECTIVE.match(line.strip())
        if not match:
            break
        directives[match.group(1).lower()] = match.group(2)
    return directives


def _skip_comments_and_blanks(lines: list[str], index: int) -> int:
    while index < len(lines):
        stripped = lines[index].strip()
        if stripped and not stripped.startswith("#"):
            break
        index += 1
    return index


def heredoc_markers(arguments: str) -> list[tuple[str, bool]]:
    """The heredocs an instruction declares, as (name, strip_tabs), in order."""
    markers = []
    for word in arguments.split():
        match = _HEREDOC_WORD.match(word)
        if match:
            markers.append((match.group(3), match.group(1) == "-"))
    return markers


def _read_heredocs(arguments: str, lines: list[str], index: int) -> tuple[tuple[Heredoc, ...], int]:
    heredocs = []
    for name, strip_tabs in heredoc_markers(arguments):
        body_start = index
        body: list[str] = []
        while index < len(lines):
            line = lines[index]
            index += 1
            if (line.lstrip("\t") if strip_tabs else line) == name:
                break
            body.append(line.lstrip("\t") if strip_tabs else line)
        heredocs.append(Heredoc(name, "\n".join(body) + "\n", body_start + 1, strip_tabs))
    return tuple(heredocs), index
