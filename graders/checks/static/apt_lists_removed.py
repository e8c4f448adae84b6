from ...core import Verdict, failed, passed, skipped
from ...dockerfile import Command, Instruction, apt_call, remove_call
from ..base import static_check
from ..context import StaticContext
from ._installs import APT_STEPS

_LISTS = "/var/lib/apt/lists"
_REMOVE = f"rm -rf {_LISTS}/*"


def _lists_paths(command: Command) -> tuple[list[str], frozenset[str]]:
    """The paths of the lists an rm names, and those of them whose `*` the shell does not expand."""
    call = remove_call(command)
    if call is None:
        return [], frozenset()
    return [path for path in call.paths if path.removesuffix("*").rstrip("/") == _LISTS], call.unexpanded


def _removes_lists(command: Command) -> bool:
    paths, unexpanded = _lists_paths(command)
    return any(path not in unexpanded for path in paths)


def _quotes_the_glob(command: Command) -> bool:
    """`rm -rf "/var/lib/apt/lists/*"`: the shell passes the `*` on as is, and rm removes nothing."""
    paths, unexpanded = _lists_paths(command)
    return bool(paths) and all(path in unexpanded for path in paths)


def _recursive(command: Command) -> bool:
    # Force is not required: after `apt-get update` the glob always matches, and rm prompts only on a terminal.
    call = remove_call(command)
    assert call is not None  # called on the commands that remove the lists only
    options = call.options
    return bool(options.short_flags() & {"r", "R"}) or options.has("--recursive")


def _mounts_lists(run: Instruction) -> bool:
    """`RUN --mount=type=cache,target=/var/lib/apt/lists ...`: the lists never reach the layer."""
    for flag in run.flags:
        if flag.startswith("--mount="):
            fields = dict(part.partition("=")[::2] for part in flag.removeprefix("--mount=").split(","))
            target = fields.get("target") or fields.get("dst") or fields.get("destination") or ""
            if fields.get("type") in ("cache", "tmpfs") and target.rstrip("/") in (_LISTS, "/var/lib/apt"):
                return True
    return False


@static_check(
    "apt-lists-removed",
    title="apt package lists removed in the same RUN",
    hint=f"End the RUN that runs apt-get update and install with `&& {_REMOVE}`: the lists are only needed while "
    "apt runs, and only what the same RUN deletes stays out of the layer.",
    reads_run_commands=True,
)
def check(context: StaticContext, *, required: bool = True) -> Verdict:
    commands = list(context.dockerfile.image.commands())  # (RUN, command) in the order they run
    actions = {i: call.action for i, (_run, command) in enumerate(commands)
               if (call := apt_call(command)) and call.action in APT_STEPS}
    if not actions:
        if not required:
            return skipped("no apt in this Dockerfile")
        return failed("no `apt-get update` or `apt-get install` in the final stage; install the packages with apt "
                      f"and end that RUN with `&& {_REMOVE}`")
    removals = [i for i, (_run, command) in enumerate(commands) if _removes_lists(command)]
    last_run = commands[max(actions)][0]
    # The RUN of the last apt step must remove the lists, and so must every RUN whose `apt-get update` saved them.
    for run in dict.fromkeys(commands[i][0] for i in actions):
        steps = [i for i in actions if commands[i][0] is run]
        if (run is last_run or "update" in (actions[i] for i in steps)) and not _mounts_lists(run):
            problem = _removal_problem(commands, actions, removals, max(steps))
            if problem:
                return problem
    return passed(line=commands[removals[-1]][1].line if removals else last_run.line)


def _removal_problem(
    commands: list[tuple[Instruction, Command]], actions: dict[int, str], removals: list[int], step: int
) -> Verdict | None:
    run, apt = commands[step]
    done = f"the `{apt.name} {actions[step]}` of line {apt.line}"
    after = [i for i in removals if i > step and commands[i][0] is run]
    if any(_recursive(commands[i][1]) for i in after):
        return None
    quoted = [command for i, (other, command) in enumerate(commands) if i > step and other is run
              and _quotes_the_glob(command)]
    if quoted and not after:
        remove = quoted[0]
        return failed(f"line {remove.line}: `{' '.join(remove.written or remove.argv)}` quotes the `*`, so the shell "
                      "does not expand it: rm looks for a file named `*`, finds none and removes nothing; write "
                      f"`{_REMOVE}` with the `*` outside quotes", remove.line)
    if after:
        remove = commands[after[0]][1]
        return failed(f"line {remove.line}: `{' '.join(remove.argv)}` is not recursive: it cannot remove the "
                      f"lists' `partial` directory and fails; write `{_REMOVE}`", remove.line)
    later = [i for i in removals if i > step]
    if later:
        line = commands[later[0]][1].line
        return failed(f"line {line}: the lists are removed in a later RUN than {done}: they are already saved in "
                      "that earlier layer, so a later layer only hides them and the image does not get smaller; "
                      f"end the RUN of line {run.line} with `&& {_REMOVE}`", line)
    earlier = [i for i in removals if commands[i][0] is run]
    if earlier:
        line = commands[earlier[-1]][1].line
        following = min(i for i in actions if i > earlier[-1])
        action, apt = actions[following], commands[following][1]
        needs = "downloads them again" if action == "update" else "needs them"
        return failed(f"line {line}: the lists are removed before the `{apt.name} {action}` of line {apt.line}, "
                      f"which {needs}; run `{_REMOVE}` after the last apt-get command of the RUN of line {run.line}",
                      line)
    return failed(f"the apt package lists are never removed after {done}; end that RUN with `&& {_REMOVE}`",
                  apt.line)
