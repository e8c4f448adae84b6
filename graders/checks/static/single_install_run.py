from ...core import Verdict, failed, passed
from ..base import static_check
from ..context import StaticContext
from ._installs import install_runs


@static_check(
    "single-install-run",
    title="All dependencies installed in one RUN",
    hint="Install the apt packages and the python dependencies in one single RUN, its commands joined with `&&`: "
    "every RUN is a layer, and what one layer leaves behind stays in the image.",
    reads_run_commands=True,
)
def check(context: StaticContext) -> Verdict:
    runs = install_runs(context.dockerfile.image)
    if not runs:
        return failed(
            "no RUN installs anything (no apt-get update/install, pip install or poetry install in the final stage); "
            "install the dependencies in one RUN"
        )
    if len(runs) == 1:
        return passed(line=runs[0].line)
    lines = ", ".join(str(run.line) for run in runs)
    return failed(
        f"install steps are spread over {len(runs)} RUN instructions (lines {lines}); "
        "merge them into one RUN joined with &&",
        runs[1].line,
    )
