from collections.abc import Callable

from ...core import Verdict, failed, passed
from ...dockerfile import Command, apt_call
from ...dockerfile.calls import add_repository_call
from ..base import static_check
from ..context import StaticContext

_TOOLS = "software-properties-common"


def _installs(command: Command, package: str) -> bool:
    call = apt_call(command)
    return call is not None and call.action == "install" and call.names(package)


def _updates(command: Command) -> bool:
    call = apt_call(command)
    return call is not None and call.action == "update"


def _adds(command: Command, ppa: str) -> bool:
    call = add_repository_call(command)
    return call is not None and ppa in call.repositories


@static_check(
    "deadsnakes-ppa",
    title="{python_package} comes from the PPA {ppa}",
    hint="In this order: `apt-get update`, `apt-get install -y software-properties-common`, "
    "`add-apt-repository -y {ppa}`, `apt-get update`, then `apt-get install -y {python_package}`.",
    reads_run_commands=True,
)
def check(context: StaticContext, *, ppa: str, python_package: str, first_update: bool = False) -> Verdict:
    # One flat list: the order of commands across RUNs and within a RUN is the order in which they run.
    commands = [command for _run, command in context.dockerfile.image.commands()]

    def first(predicate: Callable[[Command], bool], after: int = -1) -> int | None:
        return next((index for index, command in enumerate(commands) if index > after and predicate(command)), None)

    repository = first(lambda c: _adds(c, ppa))
    if repository is None:
        return failed(f"no `add-apt-repository -y {ppa}` in the final stage; add it after installing {_TOOLS}")
    added = commands[repository].line
    tools = first(lambda c: _installs(c, _TOOLS))
    if tools is None:
        return failed(f"line {added}: `add-apt-repository` comes from `{_TOOLS}`, which is never apt-installed; "
                      "install it before this line", added)
    if tools > repository:
        return failed(f"line {added}: `add-apt-repository` runs before `{_TOOLS}` is installed "
                      f"(line {commands[tools].line}): the command does not exist yet; install {_TOOLS} first", added)
    if first_update:
        update = first(_updates)
        if update is None or update > tools:
            line = commands[tools].line
            return failed(f"line {line}: `{commands[tools].text}` runs before any `apt-get update`: the task's apt "
                          "sequence starts with `apt-get -y update`, which fetches the package lists the install "
                          "reads; add it before this line", line)
    python = first(lambda c: _installs(c, python_package), after=repository)
    if python is None:
        early = first(lambda c: _installs(c, python_package))
        if early is not None:
            line = commands[early].line
            return failed(f"line {line}: `{python_package}` is installed before the PPA is added (line {added}), "
                          "so apt takes Ubuntu's own package; install it after adding the PPA and `apt-get update`",
                          line)
        return failed(f"the PPA is added (line {added}) but no apt install names `{python_package}`; "
                      "install it after `apt-get update`", added)
    installed = commands[python].line
    update = first(_updates, after=repository)
    if update is None or update > python:
        return failed(f"no `apt-get update` between adding the PPA (line {added}) and installing {python_package} "
                      f"(line {installed}): the exercise refreshes apt's package lists there, so that apt sees "
                      "the PPA's packages; add `apt-get update` between them", installed)
    return passed(line=added)
