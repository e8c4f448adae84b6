from ...core import Verdict, failed, passed
from ..base import dynamic_check
from ..session import DynamicSession


@dynamic_check(
    "no-pip-cache",
    title="No pip cache in the image",
    hint="Give every `pip install` `--no-cache-dir` (poetry's own cache lives elsewhere).",
)
def check(session: DynamicSession, *, path: str = "/root/.cache/pip") -> Verdict:
    entries = session.list_directory(path, limit=20)
    if entries is None:
        return passed(f"{path} does not exist")
    if entries:
        shown = ", ".join(e.path for e in entries[:3]) + (", ..." if len(entries) > 3 else "")
        return failed(f"{path} is not empty ({shown}): pip kept its download cache in the image")
    return passed(f"{path} is empty")
