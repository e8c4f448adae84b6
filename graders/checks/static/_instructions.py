"""Words of WORKDIR / USER / COPY as Docker reads them, and the working directory in effect."""

import posixpath
import shlex

from ...dockerfile import Dockerfile, Instruction
from ...dockerfile.shell import expand


def word(instruction: Instruction, text: str | None = None) -> str:
    """A WORKDIR / USER / COPY word as Docker reads it: variables substituted, quotes removed."""
    expanded = expand(instruction.value if text is None else text, instruction.variables)
    try:
        return " ".join(shlex.split(expanded))
    except ValueError:
        return expanded


def workdir_at(dockerfile: Dockerfile, line: int | None = None) -> tuple[str, Instruction | None]:
    """The working directory in effect before `line` (at the end when None), and the WORKDIR that set it."""
    current, setter = "/", None
    for instruction in dockerfile.inherited("WORKDIR"):
        if line is not None and instruction.line >= line:
            break
        # Docker joins a relative WORKDIR onto the previous one.
        current, setter = posixpath.normpath(posixpath.join(current, word(instruction))), instruction
    return current, setter


def same_path(found: str, wanted: str) -> bool:
    return posixpath.normpath(found) == posixpath.normpath(wanted)
