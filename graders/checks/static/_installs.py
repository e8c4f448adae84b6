"""The install steps of a stage, shared by the checks of apt, pip and poetry installs.

An install step is an apt update or install (`apt-get`, `apt` or `aptitude`), a `pip install` (`pip`, `pip3`,
`python3 -m pip`) or a `poetry install`. Commands inside `sh -c "..."` and heredoc scripts count. Checks pass
`context.dockerfile.image`: the stage that becomes the image, with the stages it is built on.
"""

import difflib
import re
import textwrap

from ...core import Verdict, failed, passed
from ...dockerfile import (
    AptCall,
    Command,
    Instruction,
    Stage,
    apt_call,
    pip_call,
    poetry_call,
)

APT_STEPS = frozenset({"update", "install"})


def apt_calls(stage: Stage) -> list[tuple[Instruction, AptCall]]:
    """Every apt call of the stage's RUNs, whatever its action (update, install, clean...), in order, with its RUN."""
    return [(run, call) for run, command in stage.commands() if (call := apt_call(command))]


def install_steps(stage: Stage) -> list[tuple[Instruction, Command]]:
    """The stage's install steps, in order, each with the RUN that holds it."""
    return [(run, command) for run, command in stage.commands() if _is_install_step(command)]


def install_runs(stage: Stage) -> list[Instruction]:
    """The RUN instructions holding at least one install step, in file order, each once."""
    runs: list[Instruction] = []
    for run, _command in install_steps(stage):
        if not runs or runs[-1] is not run:
            runs.append(run)
    return runs


def package_installed(stage: Stage, package: str) -> Verdict:
    """Passes when an apt install of the stage names `package`; a failure names the nearest package it found."""
    installs = [call for _run, call in apt_calls(stage) if call.action == "install"]
    for call in installs:
        if call.names(package):
            return passed(line=call.command.line)
    if not installs:
        return failed(f"no `apt-get install` in the final stage; install {package} with `apt-get install -y {package}`")
    for call in installs:
        names = [re.split(r"[=:/]", candidate, maxsplit=1)[0] for candidate in call.packages]
        near = difflib.get_close_matches(package, names, n=1, cutoff=0.8)
        if near:
            command = call.command
            return failed(
                f"line {command.line}: `{quote(' '.join(command.argv))}` installs `{near[0]}`, not `{package}`; "
                f"name `{package}` in the apt install",
                command.line,
            )
    lines = ", ".join(str(call.command.line) for call in installs)
    where = f"line {lines}" if len(installs) == 1 else f"lines {lines}"
    return failed(
        f"no apt install names `{package}` (apt installs on {where}); add `{package}` to the `apt-get install`",
        installs[0].command.line,
    )


def quote(text: str) -> str:
    """Text short enough to quote in a message; commands are quoted as `" ".join(command.argv)`, since
    `Command.text` would put quotes around an unquoted `/var/lib/apt/lists/*`."""
    return textwrap.shorten(text, 80, placeholder=" ...", break_on_hyphens=False)


def _is_install_step(command: Command) -> bool:
    apt = apt_call(command)
    if apt is not None:
        return apt.action in APT_STEPS
    python_tool = pip_call(command) or poetry_call(command)
    return python_tool is not None and python_tool.action == "install"
