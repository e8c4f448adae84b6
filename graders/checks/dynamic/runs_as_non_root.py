from ...core import Verdict, failed, passed
from ..base import dynamic_check
from ..session import DynamicSession


@dynamic_check(
    "runs-as-non-root",
    title="The container runs as the unprivileged user",
    hint="Create the user (`useradd --uid {uid} <name>`), give it the app's folder, and end with `USER {uid}`.",
)
def check(session: DynamicSession, *, uid: int) -> Verdict:
    image = session.image()
    user = image.config.get("User") or ""
    result = session.run_in_image(["id", "-u"])
    output = result.output.strip()
    if result.exit_code != 0 or not output.isdigit():
        return failed(f"`id -u` does not run in the image (exit code {result.exit_code}): "
                      f"{output[-300:] or 'no output'}")
    actual = int(output)
    if actual != uid:
        configured = f"USER is {user}" if user else "no USER: root"
        return failed(f"expected the container's process to run as uid {uid}, actual: uid {actual} ({configured})")
    probe = session.run_in_image(["touch", "/.graders-write-test"])
    if probe.exit_code == 0:
        return failed(f"uid {uid} can write to / : the root of the file system must belong to root")
    return passed(f"runs as uid {uid} and cannot write to /")
