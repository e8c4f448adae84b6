from ...core import Verdict, failed, passed
from ..base import dynamic_check
from ..session import DynamicSession

_NOT_INDEXES = {"lock"}


@dynamic_check(
    "apt-lists-empty",
    title="No apt package lists in the image",
    hint="End the RUN that calls apt-get with `&& rm -rf {path}/*`: in a later RUN it saves nothing, the lists stay "
         "in the earlier layer.",
)
def check(session: DynamicSession, *, path: str = "/var/lib/apt/lists") -> Verdict:
    entries = session.list_directory(path, limit=200)
    if entries is None:
        return passed(f"{path} does not exist")
    indexes = [e.path for e in entries if e.kind == "file" and "/" not in e.path and e.path not in _NOT_INDEXES]
    if indexes:
        shown = ", ".join(indexes[:3]) + (", ..." if len(indexes) > 3 else "")
        return failed(f"{path} holds package index files ({shown}): they are left from apt-get update")
    return passed(f"{path} holds no package index files")
