import json
import posixpath

from ...dockerfile.calls import split_arguments
from ..base import dynamic_check, failed, passed
from ..static.cmd import _UVICORN_VALUE_OPTIONS, _uvicorn_arguments  # the same reading of uvicorn's arguments

_SHELLS = (["/bin/sh", "-c"], ["sh", "-c"], ["/bin/bash", "-c"], ["bash", "-c"])


@dynamic_check(
    "image-config",
    title="The built image's config",
    hint="The image config is what `docker inspect` shows: set it with ENV, EXPOSE, WORKDIR, ENTRYPOINT and CMD "
         "(exec form), and keep DEBIAN_FRONTEND an ARG.",
)
def check(
    session,
    *,
    workdir: str = "/server",
    entrypoint: tuple[tuple[str, ...], ...] = (("uvicorn",),),
    program: str = "",
    app: str = "app.main:app",
    host: str = "0.0.0.0",
    port: int = 8000,
    pythonunbuffered: bool = True,
):
    config = session.image().config
    env = dict(item.split("=", 1) if "=" in item else (item, "") for item in config.get("Env") or ())
    problems = []
    if pythonunbuffered and env.get("PYTHONUNBUFFERED") != "1":
        actual = f"PYTHONUNBUFFERED={env['PYTHONUNBUFFERED']}" if "PYTHONUNBUFFERED" in env else "not set"
        problems.append(f"Env: expected PYTHONUNBUFFERED=1, actual: {actual}")
    if "DEBIAN_FRONTEND" in env:
        problems.append(f"Env: DEBIAN_FRONTEND={env['DEBIAN_FRONTEND']} persists into every container and child "
                        "image; declare it with ARG, not ENV")
    exposed = sorted((config.get("ExposedPorts") or {}).keys())
    if f"{port}/tcp" not in exposed:
        problems.append(f"ExposedPorts: expected {port}/tcp, actual: {', '.join(exposed) or 'none'}")
    actual_dir = config.get("WorkingDir") or ""
    if posixpath.normpath(actual_dir or "/") != posixpath.normpath(workdir):
        problems.append(f"WorkingDir: expected {workdir}, actual: {actual_dir or 'not set (/)'}")
    actual_entrypoint = list(config.get("Entrypoint") or [])
    accepted = [list(words) for words in entrypoint]
    cmd = list(config.get("Cmd") or [])
    if actual_entrypoint[:2] in _SHELLS and actual_entrypoint not in accepted:
        problems.append(f"Entrypoint: {json.dumps(actual_entrypoint)} is the shell form: Docker ignores Cmd; "
                        f"expected {' or '.join(json.dumps(words) for words in accepted)}")
    elif actual_entrypoint not in accepted:
        problems.append(f"Entrypoint: expected {' or '.join(json.dumps(words) for words in accepted)}, "
                        f"actual: {json.dumps(actual_entrypoint) if actual_entrypoint else 'none'}")
    else:
        first = program or ("uvicorn" if actual_entrypoint == ["poetry", "run"] else "")
        problem = _cmd_problem(actual_entrypoint, cmd, first, app, host, port)
        if problem:
            wanted = ([first] if first else []) + [app, "--host", host, "--port", str(port)]
            problems.append(f"Cmd: {problem}; expected e.g. {json.dumps(wanted)}, actual: {json.dumps(cmd)}")
    if problems:
        return failed("; ".join(problems))
    return passed(f"WorkingDir {actual_dir}, Entrypoint {json.dumps(actual_entrypoint)}, Cmd {json.dumps(cmd)}, "
                  f"ExposedPorts {', '.join(exposed)}")


def _cmd_problem(entrypoint, cmd, first, app, host, port):
    if not cmd:
        return "no Cmd"
    if cmd[:2] in _SHELLS:
        return "Cmd is in shell form (/bin/sh -c ...), which the entrypoint would receive as its arguments"
    if first and cmd[:1] != [first]:
        return f"must start with {first}"
    arguments = _uvicorn_arguments(tuple(entrypoint + cmd))
    if arguments is None:
        return "Entrypoint + Cmd do not start uvicorn"
    options, operands = split_arguments(arguments, _UVICORN_VALUE_OPTIONS)
    if operands != [app]:
        return f"expected the app {app} as uvicorn's only argument"
    if options.values("--host")[-1:] != [host]:
        return f"uvicorn must listen on --host {host}"
    if options.values("--port")[-1:] != [str(port)]:
        return f"uvicorn must listen on --port {port}"
    return ""
