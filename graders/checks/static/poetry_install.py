from ...dockerfile import Command, pip_call, poetry_call
from ..base import failed, passed, static_check
from ._python_packages import named_requirements

_INSTALLER_SCRIPTS = ("install.python-poetry.org", "get-poetry.py", "install-poetry.py")
_PIP_POETRY = "`pip install --no-cache-dir poetry`"
_MAIN_ONLY = "`poetry install --only main` (`--no-dev` before poetry 1.2)"


@static_check(
    "poetry-install",
    title="Poetry is pip installed, then installs the app's dependencies without the dev ones",
    hint="Write `pip install --no-cache-dir poetry && poetry install --only main` (`--no-dev` before poetry 1.2).",
    reads_run_commands=True,
)
def check(context):
    poetry_pip = None  # (position, its RUN, the pip call)
    other_installer: Command | None = None
    poetry_installs = []  # (position, the poetry call)
    for position, (run, command) in enumerate(context.dockerfile.image.commands()):
        pip, poetry = pip_call(command), poetry_call(command)
        if poetry_pip is None and pip and pip.action == "install":
            if any(named.name == "poetry" for named in named_requirements(context, pip)[0]):
                poetry_pip = (position, run, pip)
        if poetry and poetry.action == "install":
            poetry_installs.append((position, poetry))
        if other_installer is None and _installs_poetry_otherwise(command):
            other_installer = command
    if poetry_pip is None:
        if other_installer:
            return failed(f"line {other_installer.line}: `{other_installer.text}` installs poetry without pip; "
                          f"the exercise installs it with {_PIP_POETRY}", other_installer.line)
        if not poetry_installs:
            return failed(f"neither poetry nor the app's dependencies are installed; add {_PIP_POETRY}, "
                          f"then {_MAIN_ONLY}")
        first = poetry_installs[0][1].command
        return failed(f"poetry is never installed, so `{first.text}` fails; add {_PIP_POETRY} before it", first.line)
    pip_position, pip_run, pip = poetry_pip
    line = pip.command.line
    if not pip.disables_cache(pip_run.variables):
        return failed(f"line {line}: `{pip.command.text}` keeps pip's download cache in the image; "
                      f"write {_PIP_POETRY}", line)
    if not poetry_installs:
        return failed(f"no `poetry install` in the final stage; add {_MAIN_ONLY} after line {line}", line)
    for position, poetry in poetry_installs:
        command = poetry.command
        if position < pip_position:
            return failed(f"line {command.line}: `{command.text}` runs before poetry is installed (line {line}); "
                          f"move it after {_PIP_POETRY}", command.line)
        if not poetry.skips_dev_dependencies:
            return failed(f"line {command.line}: `{command.text}` also installs the dev dependencies; "
                          f"write {_MAIN_ONLY}", command.line)
    return passed(line=poetry_installs[-1][1].command.line)


def _installs_poetry_otherwise(command: Command) -> bool:
    """The official installer script fetched with curl or wget, or `pipx install poetry`."""
    if command.name in ("curl", "wget"):
        return any(script in word for word in command.argv[1:] for script in _INSTALLER_SCRIPTS)
    return command.name == "pipx" and command.argv[1:2] == ("install",) and "poetry" in command.argv[2:]
