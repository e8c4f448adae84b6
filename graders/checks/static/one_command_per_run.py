from ...core import Verdict, failed, passed
from ...dockerfile import Instruction
from ..base import static_check
from ..context import StaticContext
from ._installs import quote


@static_check(
    "one-command-per-run",
    title="One command per RUN",
    hint="This task builds a deliberately fat image: give every command a RUN of its own (no `&&`, `||`, `;`, `&` or "
    "several lines in one RUN), so that dive shows one layer per command.",
    reads_run_commands=True,
)
def check(context: StaticContext) -> Verdict:
    offenders = [run for run in context.dockerfile.image.runs if _statements(run) != 1]
    if not offenders:
        return passed()
    first, count = offenders[0], _statements(offenders[0])
    if count == 0:
        message = f"line {first.line}: `{quote(first.source)}` runs no command; remove it"
    else:
        message = (
            f"line {first.line}: `{quote(first.source)}` holds {count} commands; the task wants one RUN per command, "
            f"so split it into {count} RUN instructions"
        )
    if len(offenders) > 1:
        others = offenders[1:]
        lines = ", ".join(str(run.line) for run in others)
        message += f" (so do the RUNs of lines {lines})" if len(others) > 1 else f" (so does the RUN of line {lines})"
    return failed(message, first.line)


def _statements(run: Instruction) -> int:
    assert run.script is not None  # the parser gives every RUN a script
    return run.script.statements
