from ...core import Verdict, failed, passed
from ..base import static_check
from ..context import StaticContext
from ._python_packages import pip_installs


@static_check(
    "pip-no-cache-dir",
    title="pip installs keep no download cache",
    hint="Write `pip install --no-cache-dir ...`: pip's cache is useless in an image and only makes it bigger.",
    reads_run_commands=True,
)
def check(context: StaticContext) -> Verdict:
    installs = pip_installs(context.dockerfile.image)
    cached = [call.command for run, call in installs if not call.disables_cache(run.variables)]
    if cached:
        found = ", ".join(f"line {command.line}: `{command.text}`" for command in cached)
        return failed(f"{found}: pip keeps its download cache in the image; add `--no-cache-dir` after `pip install`",
                      cached[0].line)
    if installs:
        return passed(line=installs[-1][1].command.line)
    return passed("no pip install in the final stage")
