import json
import shlex

from ...core import Verdict, failed, passed
from ...dockerfile.calls import split_arguments
from ..base import static_check
from ..context import StaticContext
from ._uvicorn import VALUE_OPTIONS, uvicorn_arguments


@static_check(
    "cmd",
    title="CMD runs the app on {host}:{port}",
    hint="Write CMD as a JSON array (exec form) that gives uvicorn the app `{app}`, `--host {host}` and "
         "`--port {port}`: ENTRYPOINT and CMD together must start uvicorn.",
)
def check(context: StaticContext, *, app: str, host: str, port: int, program: str = "") -> Verdict:
    cmds = context.dockerfile.inherited("CMD")
    entrypoints = context.dockerfile.inherited("ENTRYPOINT")
    entrypoint = entrypoints[-1] if entrypoints else None
    prefix = (entrypoint.exec_form or ()) if entrypoint else ()
    if program:
        first = [program]
    else:
        first = ["uvicorn"] if prefix == ("poetry", "run") else []
    wanted = f"`CMD {json.dumps(first + [app, '--host', host, '--port', str(port)])}`"
    if not cmds:
        return failed(f"no CMD; add {wanted}")
    cmd = cmds[-1]
    if entrypoint and entrypoint.stage > cmd.stage:
        return failed(f"`{entrypoint.source}` (line {entrypoint.line}) resets the CMD inherited from an earlier "
                      f"stage; write {wanted} after it", entrypoint.line)
    if cmd.json_error:
        return failed(f"`{cmd.source}` is not valid JSON, so Docker runs it as a shell command; write {wanted}",
                      cmd.line)
    if cmd.exec_form is None:
        if prefix and entrypoint:
            return failed(f"`{cmd.source}` is shell form: under `{entrypoint.source}`, {prefix[0]} would receive "
                          f"`/bin/sh -c \"{cmd.value}\"` as its arguments; write {wanted}", cmd.line)
        return failed(f"`{cmd.source}` is shell form; write the exec form {wanted}", cmd.line)
    if program and cmd.exec_form[:1] != (program,):
        return failed(f"`{cmd.source}` must start with `{program}`; write {wanted}", cmd.line)
    argv = prefix + cmd.exec_form
    arguments = uvicorn_arguments(argv)
    if arguments is None:
        if prefix:
            return failed(f"the container runs `{shlex.join(argv)}` (ENTRYPOINT + CMD), which does not start uvicorn; "
                          f"write {wanted}", cmd.line)
        arguments = argv  # no exec-form ENTRYPOINT: the entrypoint check reports it; read CMD as uvicorn's arguments
    options, operands = split_arguments(arguments, VALUE_OPTIONS)
    if app not in operands:
        return failed(f"`{cmd.source}` does not run the app `{app}`; write {wanted}", cmd.line)
    if operands != [app]:
        extra = ", ".join(f"`{operand}`" for operand in operands if operand != app)
        why = "; ENTRYPOINT already runs uvicorn" if "uvicorn" in operands else ""
        return failed(f"`{cmd.source}` gives uvicorn the extra argument {extra}{why}; write {wanted}", cmd.line)
    hosts, ports = options.values("--host"), options.values("--port")
    if not hosts or hosts[-1] != host:
        given = f"with `--host {hosts[-1]}`" if hosts else "without `--host`"
        listens = hosts[-1] if hosts else "its default 127.0.0.1"
        return failed(f"{given} in `{cmd.source}`, uvicorn listens on {listens} only, unreachable from outside the "
                      f"container; write {wanted}", cmd.line)
    if ports[-1:] != [str(port)]:
        given = f"`--port {ports[-1]}` makes uvicorn listen on port {ports[-1]}, not {port}" if ports else (
            f"there is no `--port {port}`, which the task asks for explicitly")
        return failed(f"in `{cmd.source}` {given}; write {wanted}", cmd.line)
    return passed(line=cmd.line)
