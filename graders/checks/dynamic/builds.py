from ...build_causes import diagnose
from ...core import Verdict, error, failed, passed
from ..base import dynamic_check
from ..session import DynamicSession


@dynamic_check(
    "builds",
    title="The image builds",
    hint="Build it yourself (`docker build -f {task_dockerfile} -t {task_tag} .`) and fix the first failing step; "
         "the log above shows its last lines.",
)
def check(session: DynamicSession) -> Verdict:
    result = session.build()
    if result.ok:
        return passed(result.message)
    # a build stopped at its deadline is named as such; else the first common cause its log shows (build_causes.toml)
    cause = None if result.timed_out else diagnose(result.log, result.failing_step)
    if cause is None:
        return failed(result.message, result.line)
    message = f"{result.message}\n{cause.text}"
    if cause.fault == "machine":  # the network, not the Dockerfile: an error, graded again by --resume
        return error(message)
    return failed(message, result.line)
