from ...core import Verdict, failed, passed, skipped
from ..base import dynamic_check
from ..session import DynamicSession


def _mb(size: int) -> str:
    return f"{size / 1e6:.1f} MB"


@dynamic_check(
    "smaller-than-previous",
    title="Smaller than the previous task's image",
    hint="Compare both with `docker images` and `dive`: one RUN for all installs, --no-install-recommends, "
         "--no-cache-dir and no apt lists make the difference.",
)
def check(session: DynamicSession, *, than: str) -> Verdict:
    image = session.image()
    previous = session.previous_image(than)
    if previous is None:
        return skipped(f"{than}'s image was not built in this run: nothing to compare with")
    if image.size < previous.size:
        return passed(f"{_mb(image.size)}, smaller than {than}'s {_mb(previous.size)}")
    return failed(f"expected an image smaller than {than}'s ({_mb(previous.size)}), actual: {_mb(image.size)}")
