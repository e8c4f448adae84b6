from ...core import Verdict, failed, passed
from ..base import static_check
from ..context import StaticContext
from ._python_packages import Pin, named_requirements, pip_installs


@static_check(
    "pinned-python-packages",
    title="The app's Python packages are pip installed at their exact versions",
    hint="pip install exactly {requirements}, each pinned with `==` so that every build installs the same "
    "versions (quote a requirement with an extra in brackets: the shell reads brackets as a glob).",
    reads_run_commands=True,
)
def check(context: StaticContext, *, requirements: tuple[str, ...]) -> Verdict:
    pins = [Pin.parse(text) for text in requirements]
    installs = pip_installs(context.dockerfile.image)
    if not installs:
        return failed(f"no `pip install` in the final stage; add `pip install {' '.join(p.shell_word for p in pins)}`")
    named = []
    for _run, call in installs:
        found, unread = named_requirements(context, call)
        if unread:
            missing = unread[0]
            return failed(
                f"line {missing.line}: `{call.command.text}` reads `{missing.path}`, but {missing.reason}; "
                "add the file to the submission or name the packages on the command line",
                missing.line,
            )
        named.extend(found)
    last_line = installs[-1][1].command.line
    problems: list[tuple[str, int]] = []
    absent = []
    for pin in pins:
        candidates = [n for n in named if n.name == pin.name]
        mismatches = [pin.mismatch(n.requirement.extras, str(n.requirement.specifier)) for n in candidates]
        if not candidates:
            absent.append(pin)
        elif None not in mismatches:
            last = candidates[-1]
            fix = pin.text if last.origin else pin.shell_word
            problems.append((f"{last.where}: `{last.text}` {mismatches[-1]}; write `{fix}`", last.line))
    if absent:
        names, words = ", ".join(p.name for p in absent), " ".join(p.shell_word for p in absent)
        problems.append((f"no pip install names {names}; add `{words}` to the one on line {last_line}", last_line))
    if problems:
        return failed("; ".join(message for message, _line in problems), problems[0][1])
    return passed(line=last_line)
