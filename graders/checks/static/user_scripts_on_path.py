"""pip run as a non-root user installs into that user's `~/.local`, its scripts (`poetry`, `uvicorn`) into
`~/.local/bin`, which is on no PATH by default: that folder must be on PATH before an instruction runs them.

Not concerned: a pip install as root, into a virtual environment (pip or python by another path than the system's,
VIRTUAL_ENV set, or `. .../bin/activate` earlier in the RUN), or with `--target`, `--prefix` or `--root`. A script
is known by its package's name (poetry's is `poetry`); it needs PATH when it is called by that bare name, in a later
command of a RUN or as the program ENTRYPOINT and CMD start. PATH is read as Docker expands it: `${PATH}` of the
base image stays unknown, and `$HOME` is set only by an ENV (Docker gives the user's home to containers, not to
ENV lines).
"""

import posixpath
import shlex

from ...core import Verdict, failed, passed
from ...dockerfile import Dockerfile, Instruction, pip_call
from ...dockerfile.shell import expand
from ..base import static_check
from ..context import StaticContext
from ._instructions import word
from ._python_packages import named_requirements

_ROOT = ("", "root", "0")
_SYSTEM_BINS = ("/usr/local/bin", "/usr/bin", "/bin")
_ELSEWHERE = ("--target", "-t", "--prefix", "--root")  # pip installs into another tree than the user's
_ON_PATH_ANYWAY = frozenset({"pip"})  # the base image's own pip stays on PATH: calling `pip` later still works


@static_check(
    "user-scripts-on-path",
    title="The scripts pip installs for the user are on PATH",
    hint="pip run as a non-root user puts the scripts it installs in `{home}/.local/bin`: add "
    "`ENV PATH=\"{home}/.local/bin:$PATH\"` before the first instruction that runs one of them.",
    reads_run_commands=True,
)
def check(context: StaticContext, *, home: str) -> Verdict:
    folder = posixpath.join(home, ".local/bin")
    dockerfile = context.dockerfile
    user = "root"
    installed: dict[str, tuple[str, int, str]] = {}  # script -> (the pip command, its line, the user)
    pip_installs = outside = 0
    runs_found = []  # the lines where a script runs with the folder on PATH
    for instruction in dockerfile.image.instructions:
        if instruction.keyword == "USER":
            user = word(instruction).partition(":")[0]
            continue
        if instruction.keyword != "RUN":
            continue
        path = instruction.variables.get("PATH", "")
        in_venv = bool(instruction.variables.get("VIRTUAL_ENV"))
        for command in instruction.commands:
            command_path = command.env.get("PATH", path)
            if command.name in installed and "/" not in command.argv[0]:
                if not _on_path(command_path, folder):
                    return _not_on_path(f"`{command.text}`", "runs", command.name, command.line, installed,
                                        folder, command_path, dockerfile)
                runs_found.append(command.line)
            if command.name == "export":
                path = next((a.partition("=")[2] for a in reversed(command.argv[1:]) if a.startswith("PATH=")), path)
            if command.name in (".", "source") and command.argv[1:2] and command.argv[1].endswith("/bin/activate"):
                in_venv = True
            pip = pip_call(command)
            if pip is None or pip.action != "install":
                continue
            pip_installs += 1
            if user in _ROOT:
                continue
            if in_venv or pip.options.has(*_ELSEWHERE) or _outside_system(command.argv):
                outside += 1
                continue
            for requirement in named_requirements(context, pip)[0]:
                if requirement.name not in _ON_PATH_ANYWAY:
                    installed.setdefault(requirement.name, (command.text, command.line, user))
    if not installed:
        if not pip_installs:
            return passed("no pip install in the final stage: nothing to put on PATH")
        if outside:
            return passed("pip installs as root or outside the user's ~/.local (a virtual environment, --target, "
                          "--prefix, --root): nothing to put on PATH")
        return passed("pip installs as root: nothing to put on PATH")
    started, starter = _started_program(dockerfile)
    if started is not None and starter is not None and started in installed:
        runtime_path = _runtime_path(dockerfile)
        if not _on_path(runtime_path, folder):
            return _not_on_path(f"`{starter.source}`", "starts", started, starter.line, installed, folder,
                                runtime_path, dockerfile)
        runs_found.append(starter.line)
    if not runs_found:
        return passed(f"nothing runs {', '.join(sorted(installed))} by name: nothing needs {folder} on PATH")
    return passed(f"{folder} is on PATH where {', '.join(sorted(installed))} run", runs_found[0])


def _not_on_path(
    what: str, verb: str, script: str, line: int, installed: dict[str, tuple[str, int, str]], folder: str,
    path: str, dockerfile: Dockerfile,
) -> Verdict:
    pip_text, pip_line, user = installed[script]
    return failed(
        f"line {line}: {what} {verb} {script}, which `{pip_text}` (line {pip_line}) installed as {user} into "
        f"{folder}; that folder is not on PATH{_why_not(path, folder, line, dockerfile)}, so {script} is not found: "
        f"add `ENV PATH=\"{folder}:$PATH\"` before line {line}",
        line,
    )


def _why_not(path: str, folder: str, line: int, dockerfile: Dockerfile) -> str:
    if "$HOME" in path or "${HOME}" in path:
        return (" (`$HOME` is not set during the build: Docker gives the user's home to containers, not to ENV "
                f"lines; write {folder} itself)")
    if "~" in path:
        return f" (ENV does not expand `~`; write {folder} itself)"
    later = next((i for i in dockerfile.image.instructions if i.line > line and i.keyword == "ENV"
                  and _on_path(_path_set_by(i) or "", folder)), None)
    return f" yet (the ENV of line {later.line} comes after it)" if later else ""


def _on_path(path: str, folder: str) -> bool:
    return any(posixpath.normpath(entry) == posixpath.normpath(folder) for entry in path.split(":") if entry)


def _outside_system(argv: tuple[str, ...]) -> bool:
    """pip, or the python running `-m pip`, given by a path outside the system's folders: a virtual environment's."""
    directory = posixpath.dirname(argv[0])
    return bool(directory) and posixpath.normpath(directory) not in _SYSTEM_BINS


def _path_set_by(instruction: Instruction) -> str | None:
    values = [expand(value, instruction.variables) for key, value in instruction.key_values() if key == "PATH"]
    return values[-1] if values else None


def _runtime_path(dockerfile: Dockerfile) -> str:
    """The PATH the container starts with: the last ENV that sets it."""
    path = ""
    for instruction in dockerfile.image.all("ENV"):
        path = _path_set_by(instruction) or path
    return path


def _started_program(dockerfile: Dockerfile) -> tuple[str | None, Instruction | None]:
    """The program ENTRYPOINT and CMD start, as written, and the instruction that names it."""
    entrypoints, cmds = dockerfile.inherited("ENTRYPOINT"), dockerfile.inherited("CMD")
    for instruction in (entrypoints[-1:] + cmds[-1:]):
        words = instruction.exec_form
        if words is None:
            try:
                words = tuple(shlex.split(instruction.value))
            except ValueError:
                words = tuple(instruction.value.split())
        if words:
            return (words[0] if "/" not in words[0] else None), instruction
    return None, None
