"""gunicorn-bind: the container's command (ENTRYPOINT + CMD, exec form) starts gunicorn with the exercise's WSGI app
bound to the exercise's address, as gunicorn itself reads its command line.

What gunicorn does (read from gunicorn 27's `config.py`, `util.parse_address` and `app/base.py`):
- `-b/--bind ADDRESS` (also `--bind=ADDRESS`, `-bADDRESS`, `-b=ADDRESS`, `--bi ADDRESS`: argparse), repeatable:
  gunicorn binds every one;
- without a bind on the command line, `GUNICORN_CMD_ARGS` may give one; else the default is `0.0.0.0:$PORT` when
  the environment has PORT, and `127.0.0.1:8000` otherwise: reachable from inside the container only;
- an address is `HOST:PORT`, `HOST` (port 8000), `[IPV6]:PORT`, `tcp://HOST:PORT`, `unix:PATH`, `fd://N`; an empty
  host (`:5000`) is the wildcard address, the same as `0.0.0.0:5000` (Python binds `("", 5000)` to INADDR_ANY), and
  `[::]:5000` serves it too (Linux binds the IPv6 wildcard dual-stack);
- the app is the first operand (`MODULE:VARIABLE`; a bare `MODULE` means `MODULE:application`).
Exec-form words are never variable-expanded by Docker: `"0.0.0.0:$PORT"` reaches gunicorn as written.
"""

import ipaddress
import json
import os
import re
import shlex

from graders.checks.base import static_check
from graders.core import failed, passed
from graders.dockerfile.calls import OptionSyntax, parse_options
from graders.dockerfile.shell import SHELLS, expand

# How gunicorn 27 reads its command line: argparse, with every Setting's `cli` names (gunicorn/config.py). Values are
# attached (`-b0.0.0.0:5000`, `-b=0.0.0.0:5000`, `--bind=0.0.0.0:5000`) or the next word (argparse refuses one that
# looks like an option, but takes `-`: `--access-logfile -`; gunicorn stops at the former anyway, so any next word is
# read as the value); a unique prefix of a long name is that name (argparse's allow_abbrev): `--bi` is `--bind`.
_GUNICORN = OptionSyntax(
    value_letters="bcwketpugmn",
    value_names=frozenset({
        "--bind", "--config", "--workers", "--worker-class", "--timeout", "--env", "--pid", "--user", "--group",
        "--umask", "--name", "--access-logformat", "--access-logfile", "--asgi-disconnect-grace-period",
        "--asgi-lifespan", "--asgi-loop", "--backlog", "--ca-certs", "--cert-reqs", "--certfile", "--chdir",
        "--ciphers", "--control-socket", "--control-socket-mode", "--dirty-app", "--dirty-graceful-timeout",
        "--dirty-threads", "--dirty-timeout", "--dirty-workers", "--dogstatsd-tags", "--error-logfile", "--log-file",
        "--forwarded-allow-ips", "--forwarder-headers", "--graceful-timeout", "--header-map", "--http2-cleartext",
        "--http2-initial-window-size", "--http2-max-concurrent-streams", "--http2-max-frame-size",
        "--http2-max-header-list-size", "--http-parser", "--http-protocols", "--keep-alive", "--keyfile",
        "--limit-request-field_size", "--limit-request-fields", "--limit-request-line", "--log-config",
        "--log-config-json", "--logger-class", "--log-level", "--max-requests", "--max-requests-jitter", "--paste",
        "--paster", "--protocol", "--proxy-allow-from", "--proxy-protocol", "--pythonpath", "--paste-global",
        "--reload-engine", "--reload-extra-file", "--root-path", "--ssl-version", "--statsd-host", "--statsd-prefix",
        "--log-syslog-to", "--log-syslog-facility", "--log-syslog-prefix", "--threads", "--uwsgi-allow-from",
        "--websocket-max-message-size", "--worker-connections", "--worker-tmp-dir",
    }),
    flag_names=frozenset({
        "--help", "--version", "--capture-output", "--casefold-http-method", "--check-config", "--daemon",
        "--disable-redirect-access-to-syslog", "--do-handshake-on-connect", "--enable-backlog-metric",
        "--enable-stdio-inheritance", "--initgroups", "--log-syslog", "--no-control-socket", "--no-sendfile",
        "--permit-obsolete-folding", "--permit-unconventional-http-method", "--permit-unconventional-http-version",
        "--preload", "--print-config", "--reload", "--reuse-port", "--spew", "--strip-header-spaces",
        "--suppress-ragged-eofs",
    }),
    equals_after_letter=True,
)
_BIND = ("-b", "--bind")
_DEFAULT_PORT = 8000  # gunicorn's, for a bind without a port and for no bind at all
_PYTHON = re.compile(r"^python[0-9.]*$")
_PYTHON_VALUE_OPTIONS = frozenset({"-W", "-X", "-Q"})


class _Address:
    """One gunicorn bind, parsed as gunicorn's `util.parse_address` does."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.host, self.port, self.socket, self.port_text, self.explicit_port = "", None, "", "", False
        netloc = text
        if re.match(r"unix:(//)?", netloc):
            self.socket = f"the unix socket {re.split(r'unix:(//)?', netloc)[-1]}"
            return
        if netloc.startswith("fd://"):
            self.socket = f"the inherited file descriptor {netloc[5:]}"
            return
        if netloc.startswith("tcp://"):
            netloc = netloc.split("tcp://")[1]
        host, port = netloc, str(_DEFAULT_PORT)
        if "[" in netloc and "]" in netloc:
            host = netloc.split("]")[0][1:]
            port = (netloc.split("]:") + [port])[1]
        elif ":" in netloc:
            host, port = (netloc.split(":") + [port])[:2]
        elif netloc == "":
            host = "0.0.0.0"
        self.host = "0.0.0.0" if host == "" else host.lower()
        self.port = int(port) if port.isdigit() else None
        self.port_text, self.explicit_port = port, port != str(_DEFAULT_PORT) or netloc.endswith(f":{port}")

    @property
    def wildcard(self) -> bool:
        return self.host in ("0.0.0.0", "::")

    @property
    def loopback(self) -> bool:
        if self.host == "localhost":
            return True
        try:
            return ipaddress.ip_address(self.host).is_loopback
        except ValueError:
            return False

    def serves(self, wanted: "_Address") -> bool:
        """Whether binding this address serves `wanted`: the same port and host, or `[::]` for `0.0.0.0` (Linux
        binds the IPv6 wildcard dual-stack: it takes IPv4 connections too, in a container without IPv6 as well)."""
        if self.socket or wanted.socket or self.port != wanted.port:
            return False
        return self.host == wanted.host or (self.host == "::" and wanted.host == "0.0.0.0")


def _gunicorn_arguments(argv: tuple[str, ...]) -> tuple[int, str] | None:
    """(index of gunicorn's first argument, how gunicorn is started), or None when argv does not start gunicorn."""
    if not argv:
        return None
    program = os.path.basename(argv[0])
    if program == "gunicorn":
        return 1, argv[0]
    if _PYTHON.match(program):
        index = 1
        while index < len(argv) and argv[index].startswith("-") and argv[index] not in ("-m", "-c", "-"):
            if argv[index].startswith("-m"):  # `-mgunicorn`
                break
            index += 2 if argv[index] in _PYTHON_VALUE_OPTIONS else 1
        if index < len(argv) and argv[index] == "-m" and argv[index + 1:index + 2] == ("gunicorn",):
            return index + 2, " ".join(argv[:index + 2])
        if index < len(argv) and argv[index] == "-mgunicorn":
            return index + 1, " ".join(argv[:index + 1])
    return None


def _env_value(dockerfile, name: str):
    """The last ENV of the image that sets `name`, and its value (variables substituted), or (None, None)."""
    found = None, None
    for instruction in dockerfile.inherited("ENV"):
        for key, value in instruction.key_values():
            if key == name:
                found = instruction, expand(value, instruction.variables)
    return found


def _wanted(prefix: tuple[str, ...], has_cmd: bool, app: str, bind: str) -> str:
    """What to write, given the ENTRYPOINT's exec-form words (`prefix`) and whether a CMD follows it."""
    arguments = ["--bind", bind, app]
    started = _gunicorn_arguments(prefix)
    if started is not None and started[0] < len(prefix) and not has_cmd:  # the whole command is in ENTRYPOINT
        return f"`ENTRYPOINT {json.dumps(list(prefix[:started[0]]) + arguments)}`"
    if started is not None:
        return f"`CMD {json.dumps(arguments)}`"
    if prefix:
        return f"`ENTRYPOINT [\"gunicorn\"]` and `CMD {json.dumps(arguments)}`"
    return f"`CMD {json.dumps(['gunicorn'] + arguments)}`"


@static_check(
    "gunicorn-bind",
    title="gunicorn serves {app} on {bind}",
    hint='Start gunicorn in exec form with the app and an explicit bind: `ENTRYPOINT ["gunicorn"]` then '
         '`CMD ["--bind", "{bind}", "{app}"]`. Without `--bind` gunicorn listens on 127.0.0.1:8000, which nothing '
         "outside the container can reach; a shell-form CMD runs it under /bin/sh, which does not pass on "
         "`docker stop`'s SIGTERM.",
)
def check(context, *, app: str, bind: str):
    dockerfile = context.dockerfile
    wanted_address = _Address(bind)
    entrypoints = dockerfile.inherited("ENTRYPOINT")
    cmds = dockerfile.inherited("CMD")
    entrypoint = entrypoints[-1] if entrypoints else None
    cmd = cmds[-1] if cmds else None
    if entrypoint and cmd and entrypoint.stage > cmd.stage:
        cmd = None  # an ENTRYPOINT of a later stage resets the CMD inherited from an earlier one
    if entrypoint is None and cmd is None:
        return failed(f"no CMD or ENTRYPOINT starts gunicorn; add {_wanted((), False, app, bind)} at the end")

    if entrypoint is not None and entrypoint.exec_form is None:
        why = "is not valid JSON, so Docker runs it in shell form" if entrypoint.json_error else "is shell form"
        return failed(f"`{entrypoint.source}` {why}: Docker runs it under /bin/sh -c, ignores CMD, and gunicorn "
                      f"never gets `docker stop`'s SIGTERM; write `ENTRYPOINT [\"gunicorn\"]` "
                      f"and `CMD {json.dumps(['--bind', bind, app])}`", entrypoint.line)
    prefix = entrypoint.exec_form if entrypoint is not None else ()
    wanted = _wanted(prefix, cmd is not None, app, bind)
    if cmd is not None and cmd.exec_form is None:
        why = "is not valid JSON, so Docker runs it in shell form" if cmd.json_error else "is shell form"
        if prefix:
            return failed(f"`{cmd.source}` {why}: under `{entrypoint.source}`, {prefix[0]} would receive "
                          f"`/bin/sh -c \"{cmd.value}\"` as its arguments; write {wanted}", cmd.line)
        return failed(f"`{cmd.source}` {why}: Docker runs it under /bin/sh -c, so the shell, not gunicorn, is the "
                      f"container's first process and `docker stop`'s SIGTERM never reaches gunicorn; write the exec "
                      f"form {wanted}", cmd.line)

    # Every word of the container's command, with the instruction it comes from.
    words = [(word, entrypoint) for word in prefix] + [(word, cmd) for word in (cmd.exec_form if cmd else ())]
    argv = tuple(word for word, _instruction in words)
    last = cmd or entrypoint
    started = _gunicorn_arguments(argv)
    if started is None:
        runs = f"`{shlex.join(argv)}`" + (" (ENTRYPOINT + CMD)" if prefix and cmd else "")
        if argv and os.path.basename(argv[0]) in SHELLS and "gunicorn" in " ".join(argv):
            return failed(f"the container runs {runs}: gunicorn runs under a shell, which does not pass on "
                          f"`docker stop`'s SIGTERM; write {wanted}", last.line)
        return failed(f"the container runs {runs}, which does not start gunicorn; write {wanted}", last.line)
    start, program = started
    arguments = argv[start:]
    options, operands = parse_options(arguments, _GUNICORN)

    def line_of(target: str) -> int:
        """The line of the instruction holding the last word `target` of gunicorn's arguments."""
        for word, instruction in reversed(words[start:]):
            if word == target or word.endswith(target):
                return instruction.line
        return last.line

    if not operands or operands[0] != app:
        if not operands:
            given = "names no app, so gunicorn stops with `No application module specified.`"
        elif operands[0] == "gunicorn":
            given = f"gives gunicorn the app `gunicorn`: `{program}` already runs gunicorn"
        else:
            given = f"runs the app `{operands[0]}`, not `{app}`"
        return failed(f"the container's command `{shlex.join(argv)}` {given}; write {wanted}",
                      line_of(operands[0]) if operands else last.line)
    if len(operands) > 1:
        extra = ", ".join(f"`{operand}`" for operand in operands[1:])
        return failed(f"the container's command `{shlex.join(argv)}` gives gunicorn the extra argument {extra}: "
                      f"gunicorn takes one app; write {wanted}", line_of(operands[1]))

    binds = options.values(*_BIND)
    source = None  # the ENV that gives the bind when the command line does not
    if binds:
        given = f"with `--bind {binds[-1]}` in `{shlex.join(argv)}`"
    else:
        env, value = _env_value(dockerfile, "GUNICORN_CMD_ARGS")
        try:
            env_binds = parse_options(tuple(shlex.split(value)), _GUNICORN)[0].values(*_BIND) if env else []
        except ValueError:  # an unbalanced quote: gunicorn stops at start; the bind is not read here
            env_binds = []
        port_env, port = _env_value(dockerfile, "PORT")
        if env_binds:
            binds, source = env_binds, env
            given = f"with `--bind {binds[-1]}` in `{env.source}`"
        elif port_env is not None:
            binds, source = [f"0.0.0.0:{port}"], port_env
            given = f"with `{port_env.source}` and no `--bind` (gunicorn's default bind is then 0.0.0.0:$PORT)"
        else:
            other_port = "" if wanted_address.port == _DEFAULT_PORT else f", and on port {_DEFAULT_PORT}, not " \
                f"{wanted_address.port}"
            return failed(f"`{shlex.join(argv)}` has no `--bind`, so gunicorn listens on its default "
                          f"127.0.0.1:{_DEFAULT_PORT}: inside the container only, which nothing outside it reaches"
                          f"{other_port}; write {wanted}", last.line)
    addresses = [_Address(text) for text in binds]
    if any(address.serves(wanted_address) for address in addresses):
        return passed(line=last.line)

    address = addresses[-1]
    if address.socket:
        problem = f"gunicorn listens on {address.socket}, not on TCP port {wanted_address.port}"
    elif address.port is None:
        problem = (f"`{address.port_text}` is not a port number, so gunicorn stops at start (Docker expands no "
                   "variable in an exec-form CMD or ENTRYPOINT)")
    elif address.port != wanted_address.port:
        on = f"{address.host}:{address.port}" if address.explicit_port else \
            f"{address.host} with gunicorn's default port {_DEFAULT_PORT}"
        problem = f"gunicorn listens on {on}: port {address.port}, not {wanted_address.port}"
    elif address.loopback:
        problem = (f"gunicorn listens on {address.host}:{address.port}, inside the container only: nothing outside "
                   "it, not even a published port, reaches that address")
    elif wanted_address.wildcard:
        problem = (f"gunicorn listens on {address.host}:{address.port} only, not on every interface of the container "
                   f"({wanted_address.host})")
    else:
        problem = f"gunicorn listens on {address.host}:{address.port}, not on {bind}"
    line = source.line if source is not None else line_of(address.text)
    return failed(f"{given}, {problem}; write {wanted}", line)
