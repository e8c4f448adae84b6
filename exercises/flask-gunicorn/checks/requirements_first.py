"""requirements-first: the dependencies are installed in a layer of their own, before the app is copied.

Docker reuses a cached layer while the instruction and, for COPY, the files it copies are unchanged. So the cache-
friendly order is: `COPY requirements.txt .`, `RUN pip install -r requirements.txt`, then `COPY . .`. When the whole
build context is copied before the install, every edit of the app invalidates the install layer: each build
reinstalls every package.

The check finds the first `pip install` that reads the requirements file (`-r requirements.txt`, `--requirement=...`,
any path whose name is the file's), then reads the COPY and ADD instructions of the image before it: one must copy
the file (by its name, a folder holding it is not it, `requirements*.txt` is), and none may copy the whole build
context (`.`, `./`, `*`, `/`...).
"""

import fnmatch
import json
import posixpath
import shlex

from graders.checks.base import static_check
from graders.core import failed, passed
from graders.dockerfile import pip_call
from graders.dockerfile.shell import expand


def _sources(instruction) -> list[str]:
    """The sources of a COPY / ADD, in both spellings (`COPY a b /dest`, `COPY ["a", "b", "/dest"]`)."""
    value = expand(instruction.value, instruction.variables)
    try:
        operands = json.loads(value)
    except json.JSONDecodeError:
        operands = None
    if not (isinstance(operands, list) and all(isinstance(operand, str) for operand in operands)):
        try:
            operands = shlex.split(value)
        except ValueError:
            operands = value.split()
    return operands[:-1]


def _whole_context(source: str) -> bool:
    normal = posixpath.normpath(source.lstrip("/") or ".")
    return normal in (".", "*", "./*")


def _copies_file(source: str, name: str) -> bool:
    return fnmatch.fnmatchcase(posixpath.basename(posixpath.normpath(source)), name) or \
        fnmatch.fnmatchcase(name, posixpath.basename(posixpath.normpath(source)))


@static_check(
    "requirements-first",
    title="The dependencies are installed before the app is copied",
    hint="Order the layers from what changes least to what changes most: `COPY {requirements} .`, then "
         "`RUN pip install --no-cache-dir -r {requirements}`, then `COPY . .`; an edit of the app then reuses the "
         "cached install layer instead of reinstalling every package.",
    reads_run_commands=True,
)
def check(context, *, requirements: str):
    image = context.dockerfile.image
    install = None
    for run, command in image.commands():
        call = pip_call(command)
        if call is not None and call.action == "install" and any(
                posixpath.basename(path) == requirements for path in call.requirement_files):
            install = (run, call)
            break
    if install is None:
        return failed(f"no `pip install -r {requirements}`: install the dependencies the file lists, in a RUN of its "
                      f"own: `COPY {requirements} .` then `RUN pip install --no-cache-dir -r {requirements}`")
    run, call = install
    copies = [instruction for instruction in image.instructions
              if instruction.keyword in ("COPY", "ADD") and instruction.line < run.line
              and not any(flag.startswith("--from") for flag in instruction.flags)]
    whole = next((copy for copy in copies if any(_whole_context(source) for source in _sources(copy))), None)
    if whole is not None:
        return failed(f"`{whole.source}` (line {whole.line}) copies the whole build context before "
                      f"`{call.command.text}` (line {call.command.line}): every edit of the app then invalidates the "
                      f"install layer, and each build reinstalls every package; copy `{requirements}` alone first "
                      f"(`COPY {requirements} .`) and the rest after the install", whole.line)
    if not any(_copies_file(source, requirements) for copy in copies for source in _sources(copy)):
        return failed(f"nothing copies `{requirements}` into the image before `{call.command.text}` (line "
                      f"{call.command.line}), so pip cannot read it; add `COPY {requirements} .` before that RUN",
                      call.command.line)
    return passed(line=call.command.line)
