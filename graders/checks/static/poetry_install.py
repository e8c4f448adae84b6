"""Poetry is pip installed, then `poetry install` leaves the dev dependencies out, in one of the task's spellings.

The spellings compare by what they install, never by their letters: `--only=main`, `--only main --no-root` and
`--without dev,test` are spellings of their kind. A student's `poetry install` passes when it leaves out at least
the groups an accepted spelling leaves out and still installs Poetry's main group: `--only G` against
`--only A` when G is within A, against `--without W` when G has none of W; `--without W2` against `--without W`
when W2 holds all of W. `--no-dev` passes only where the task accepts it: Poetry 2 removed it.
"""

import functools
import shlex

from ...core import Verdict, failed, passed
from ...dockerfile import Command, pip_call, poetry_call
from ...dockerfile.calls import Options
from ..base import static_check
from ..context import StaticContext
from ._python_packages import named_requirements

_INSTALLER_SCRIPTS = ("install.python-poetry.org", "get-poetry.py", "install-poetry.py")
_PIP_POETRY = "`pip install --no-cache-dir poetry`"
_NO_DEV = "--no-dev"
_MAIN_GROUP = "main"  # Poetry's name for the project's own dependencies


@static_check(
    "poetry-install",
    title="Poetry is pip installed, then installs the app's dependencies without the dev ones",
    hint="Write `pip install --no-cache-dir poetry && poetry install` with one of {dev_flags}, so that the dev "
    "dependencies stay out of the image.",
    reads_run_commands=True,
)
def check(context: StaticContext, *, dev_flags: tuple[str, ...]) -> Verdict:
    accepted = _accepted(dev_flags)
    preferred = next((flags for flags in dev_flags if accepted[flags][0] != _NO_DEV), dev_flags[0])
    main_only = f"`poetry install {preferred}`"
    if _NO_DEV in dev_flags and preferred != _NO_DEV:
        main_only += f" (`{_NO_DEV}` before poetry 1.2)"
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
                          f"then {main_only}")
        first = poetry_installs[0][1].command
        return failed(f"poetry is never installed, so `{first.text}` fails; add {_PIP_POETRY} before it", first.line)
    pip_position, pip_run, pip = poetry_pip
    line = pip.command.line
    if not pip.disables_cache(pip_run.variables):
        return failed(f"line {line}: `{pip.command.text}` keeps pip's download cache in the image; "
                      f"write {_PIP_POETRY}", line)
    if not poetry_installs:
        return failed(f"no `poetry install` in the final stage; add {main_only} after line {line}", line)
    for position, poetry in poetry_installs:
        command = poetry.command
        if position < pip_position:
            return failed(f"line {command.line}: `{command.text}` runs before poetry is installed (line {line}); "
                          f"move it after {_PIP_POETRY}", command.line)
        problem = _dev_problem(poetry.options, accepted, preferred)
        if problem:
            return failed(f"line {command.line}: `{command.text}` {problem}", command.line)
    return passed(line=poetry_installs[-1][1].command.line)


@functools.lru_cache(maxsize=16)
def _accepted(dev_flags: tuple[str, ...]) -> dict[str, tuple[str, frozenset[str]]]:
    """Each accepted spelling as (its kind, its groups), read as the student's `poetry install` is."""
    accepted = {}
    for flags in dev_flags:
        call = poetry_call(Command(("poetry", "install", *shlex.split(flags)), 0, 0))
        assert call is not None  # `poetry install ...` is a poetry call
        form = _form(call.options)
        if form is None or len(call.options.items) != 1:
            raise ValueError(f"dev_flags: `{flags}` is not `{_NO_DEV}`, `--only GROUPS` or `--without GROUPS`")
        accepted[flags] = form
    return accepted


def _form(options: Options) -> tuple[str, frozenset[str]] | None:
    """How a `poetry install` leaves groups out; `--only` overrides `--without`, as in Poetry."""
    for kind in ("--only", "--without"):
        groups = frozenset(group.strip() for value in options.values(kind) for group in value.split(",")) - {""}
        if groups:
            return kind, groups
    return (_NO_DEV, frozenset()) if options.has(_NO_DEV) else None


def _dev_problem(options: Options, accepted: dict[str, tuple[str, frozenset[str]]], preferred: str) -> str | None:
    wanted = f"write `poetry install {preferred}`"
    if options.has(_NO_DEV):
        if _NO_DEV in accepted:
            return None
        return (f"uses `{_NO_DEV}`, which Poetry 2 (what an unpinned `pip install poetry` installs) removed: it stops "
                f'with `The option "{_NO_DEV}" does not exist`; {wanted}')
    form = _form(options)
    if form is None:
        return f"also installs the dev dependencies; {wanted}"
    if any(_leaves_out_as_much(form, other) for other in accepted.values()):
        return None
    kind, groups = form
    if (_MAIN_GROUP in groups) != (kind == "--only"):
        return f"leaves out the app's own dependencies (Poetry's `{_MAIN_GROUP}` group); {wanted}"
    spellings = " or ".join(f"`{flags}`" for flags in accepted)
    return f"still installs dependencies that {spellings} would leave out; {wanted}"


def _leaves_out_as_much(form: tuple[str, frozenset[str]], accepted: tuple[str, frozenset[str]]) -> bool:
    (kind, groups), (accepted_kind, accepted_groups) = form, accepted
    if kind == "--only":
        if _MAIN_GROUP not in groups:
            return False
        if accepted_kind == "--only":
            return groups <= accepted_groups
        return accepted_kind == "--without" and not groups & accepted_groups
    return kind == accepted_kind == "--without" and accepted_groups <= groups and _MAIN_GROUP not in groups


def _installs_poetry_otherwise(command: Command) -> bool:
    """The official installer script fetched with curl or wget, or `pipx install poetry`."""
    if command.name in ("curl", "wget"):
        return any(script in word for word in command.argv[1:] for script in _INSTALLER_SCRIPTS)
    return command.name == "pipx" and command.argv[1:2] == ("install",) and "poetry" in command.argv[2:]
