from ..base import failed, passed, static_check


@static_check(
    "expose-8000",
    title="Port 8000 is exposed",
    hint="Add `EXPOSE 8000` so that readers (and `docker run -P`) know the port uvicorn listens on.",
)
def check(context, *, port: int = 8000):
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
