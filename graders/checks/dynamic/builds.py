from ..base import dynamic_check, failed, passed


@dynamic_check(
    "builds",
    title="The image builds",
    hint="Build it yourself (`make buildTask1`, or `docker build -f <dockerfile> .`) and fix the first failing step; "
         "the log above shows its last lines.",
)
def check(session):
    result = session.build()
    if result.ok:
        return passed(result.message)
    return failed(result.message, result.line)
