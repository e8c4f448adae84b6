import json
import posixpath

from ...core import Verdict, failed, passed
from ...dockerfile import Instruction
from ..base import static_check
from ..context import StaticContext
from ._instructions import same_path, word, workdir_at


def _sources_and_destination(instruction: Instruction) -> tuple[list[str], str]:
    """COPY / ADD operands in both spellings: `COPY a b /dest` and `COPY ["a", "b", "/dest"]`."""
    try:
        operands = json.loads(instruction.value)
    except json.JSONDecodeError:
        operands = None
    if not (isinstance(operands, list) and all(isinstance(operand, str) for operand in operands)):
        operands = word(instruction).split()
    else:
        operands = [word(instruction, operand) for operand in operands]
    return operands[:-1], operands[-1] if operands else ""


@static_check(
    "copy-context",
    title="The whole build context is copied into the work dir",
    hint="Copy the whole build context, app and project files alike: `COPY . {destination}` (or `COPY . .` after "
         "`WORKDIR {destination}`).",
)
def check(context: StaticContext, *, destination: str) -> Verdict:
    dockerfile = context.dockerfile
    copies = sorted((i for i in dockerfile.inherited("COPY") + dockerfile.inherited("ADD")
                     if not any(flag.startswith("--from") for flag in i.flags)), key=lambda i: i.line)
    misplaced = None
    for instruction in copies:
        sources, target = _sources_and_destination(instruction)
        if any(posixpath.normpath(source) == "." for source in sources):
            workdir, _ = workdir_at(dockerfile, instruction.line)
            where = posixpath.normpath(posixpath.join(workdir, target))
            if same_path(where, destination):
                return passed(line=instruction.line)
            relative = "" if target.startswith("/") else " (the working directory at that point)"
            misplaced = failed(f"`{instruction.source}` copies the build context to {where}{relative}, not "
                               f"{destination}; write `COPY . {destination}`", instruction.line)
    if misplaced:
        return misplaced
    if copies:
        return failed(
            f"`{copies[0].source}` copies only part of the build context; the whole of it, the app's project files "
            f"included, must go into {destination}: write `COPY . {destination}`",
            copies[0].line,
        )
    return failed(f"no COPY of the build context; add `COPY . {destination}` after WORKDIR")
