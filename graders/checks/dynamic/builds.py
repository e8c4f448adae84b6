from ...core import failed, passed
from ..base import dynamic_check


@dynamic_check(
    "builds",
    title="The image builds",
    hint="Build it yourself (`docker build -f {task_dockerfile} -t {task_tag} .`) and fix the first failing step; "
         "the log above shows its last lines.",
)
def check(session):
    result = session.build()
    if result.ok:
        return passed(result.message)
    return failed(result.message, result.line)
