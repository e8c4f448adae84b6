from ...core import Verdict, failed, passed
from ..base import static_check
from ..context import StaticContext


@static_check(
    "expose",
    title="Port {port} is exposed",
    hint="Add `EXPOSE {port}` so that readers (and `docker run -P`) know the port the server listens on.",
)
def check(context: StaticContext, *, port: int) -> Verdict:
    exposes = context.dockerfile.image.all("EXPOSE")
    for instruction in exposes:
        for word in instruction.value.split():
            number, _, protocol = word.partition("/")
            if number == str(port) and protocol.lower() in ("", "tcp"):
                return passed(line=instruction.line)
    if exposes:
        found = ", ".join(f"line {i.line}: `{i.source}`" for i in exposes)
        return failed(f"port {port}/tcp is not exposed ({found}); write `EXPOSE {port}`", exposes[-1].line)
    return failed(f"no EXPOSE instruction; add `EXPOSE {port}` after COPY")
