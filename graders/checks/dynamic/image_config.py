import json
import posixpath

from ...core import Verdict, failed, passed
from ...dockerfile.calls import split_arguments
from ..base import dynamic_check
from ..session import DynamicSession
from ..static._uvicorn import (  # the same reading of uvicorn's arguments as `cmd`
    VALUE_OPTIONS,
    uvicorn_arguments,
)

_SHELLS = (["/bin/sh", "-c"], ["sh", "-c"], ["/bin/bash", "-c"], ["bash", "-c"])


@dynamic_check(
    "image-config",
    title="The built image's config",
    hint="The image config is what `docker inspect` shows: set it with ENV, EXPOSE, WORKDIR, ENTRYPOINT and CMD "
         "(exec form); what only the build needs is an ARG, not an ENV.",
)
def check(
    session: DynamicSession,
    *,
    workdir: str,
    entrypoint: tuple[tuple[str, ...], ...],
    port: int,
    app: str,  # the app uvicorn's Cmd must run; "" when the server is not uvicorn: Cmd is then not read
    env: dict[str, str],
    build_only_env: tuple[str, ...] = (),
    program: str = "",
    host: str = "0.0.0.0",  # with `app`: all interfaces, the only ones a published port reaches
) -> Verdict:
    config = session.image().config
    actual_env = dict(item.split("=", 1) if "=" in item else (item, "") for item in config.get("Env") or ())
    problems = []
    for name, value in env.items():
        if actual_env.get(name) != value:
            actual = f"{name}={actual_env[name]}" if name in actual_env else "not set"
            problems.append(f"Env: expected {name}={value}, actual: {actual}")
    for name in build_only_env:
        if name in actual_env:
            problems.append(f"Env: {name}={actual_env[name]} persists into every container and child image; "
                            "declare it with ARG, not ENV")
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
    elif app:
        first = program or ("uvicorn" if actual_entrypoint == ["poetry", "run"] else "")
        problem = _cmd_problem(actual_entrypoint, cmd, first, app, host, port)
        if problem:
            wanted = ([first] if first else []) + [app, "--host", host, "--port", str(port)]
            problems.append(f"Cmd: {problem}; expected e.g. {json.dumps(wanted)}, actual: {json.dumps(cmd)}")
    if problems:
        return failed("; ".join(problems))
    return passed(f"WorkingDir {actual_dir}, Entrypoint {json.dumps(actual_entrypoint)}, Cmd {json.dumps(cmd)}, "
                  f"ExposedPorts {', '.join(exposed)}")


def _cmd_problem(entrypoint: list[str], cmd: list[str], first: str, app: str, host: str, port: int) -> str:
    if not cmd:
        return "no Cmd"
    if cmd[:2] in _SHELLS:
        return "Cmd is in shell form (/bin/sh -c ...), which the entrypoint would receive as its arguments"
    if first and cmd[:1] != [first]:
        return f"must start with {first}"
    arguments = uvicorn_arguments(tuple(entrypoint + cmd))
    if arguments is None:
        return "Entrypoint + Cmd do not start uvicorn"
    options, operands = split_arguments(arguments, VALUE_OPTIONS)
    if operands != [app]:
        return f"expected the app {app} as uvicorn's only argument"
    if options.values("--host")[-1:] != [host]:
        return f"uvicorn must listen on --host {host}"
    if options.values("--port")[-1:] != [str(port)]:
        return f"uvicorn must listen on --port {port}"
    return ""
