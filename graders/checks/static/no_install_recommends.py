from ...core import Verdict, failed, passed
from ..base import static_check
from ..context import StaticContext
from ._installs import apt_calls, quote


@static_check(
    "no-install-recommends",
    title="apt installs skip recommended packages",
    hint="Write `apt-get install -y --no-install-recommends ...`: by default apt also installs the packages the "
    "ones you asked for merely recommend, which the image does not need.",
    reads_run_commands=True,
)
def check(context: StaticContext) -> Verdict:
    installs = [call for _run, call in apt_calls(context.dockerfile.image) if call.action == "install"]
    offenders = [call for call in installs if call.installs_recommends]
    if not offenders:
        return passed(line=installs[0].command.line if installs else None)
    first = offenders[0].command
    message = (f"line {first.line}: `{quote(' '.join(first.argv))}` installs recommended packages too; "
               "add `--no-install-recommends`")
    if len(offenders) > 1:
        lines = ", ".join(str(call.command.line) for call in offenders)
        message += f" ({len(offenders)} apt installs lack it: lines {lines})"
    return failed(message, first.line)
