from ...core import Verdict, failed, passed
from ..base import static_check
from ..context import StaticContext
from ._instructions import same_path, word, workdir_at


@static_check(
    "workdir",
    title="The working directory",
    hint="Set the working directory with an absolute path, `WORKDIR {path}`, before copying the app.",
)
def check(context: StaticContext, *, path: str) -> Verdict:
    current, setter = workdir_at(context.dockerfile)
    if setter is None:
        return failed(f"no WORKDIR: the container starts in /; add `WORKDIR {path}` after FROM")
    if same_path(current, path):
        return passed(line=setter.line)
    resolved = "" if word(setter).startswith("/") else " (relative to the previous working directory)"
    return failed(
        f"`{setter.source}`{resolved} makes the working directory {current}, not {path}; the last WORKDIR counts: "
        f"write `WORKDIR {path}`",
        setter.line,
    )
