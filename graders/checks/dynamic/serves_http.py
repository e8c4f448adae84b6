import re

from ...core import Verdict, failed, passed
from ...session_types import ProbeResult
from ..base import dynamic_check
from ..session import DynamicSession

_SHELLS = (["/bin/sh", "-c"], ["sh", "-c"], ["/bin/bash", "-c"], ["bash", "-c"])
_LOOPBACK = ("127.0.0.1", "::1", "localhost")
_ANNOUNCED = re.compile(r"(?:running on|listening on|serving http on) (?:https?://)?"
                        r"(\[[0-9a-f:]+\]|[0-9a-z.]+)(?::| port )(\d+)", re.IGNORECASE)


@dynamic_check(
    "serves-http",
    title="The container serves {text} on port {port}",
    hint="Run it yourself: `docker run --rm -p {port}:{port} IMAGE`, then open http://localhost:{port}{path}; the "
         "server must listen on all interfaces (0.0.0.0) on port {port}, started by an exec-form ENTRYPOINT and CMD.",
)
def check(session: DynamicSession, *, port: int, path: str, text: str) -> Verdict:
    result = session.probe(port, path, text)
    outcome = result.outcome
    if outcome.ok:
        return passed(f"GET {path} answered 200 with `{text}` {outcome.seconds:.1f} s after the container started "
                      f"(port {port} published on 127.0.0.1:{result.host_port})")
    facts = result.facts
    lines = [_headline(result, session.run_timeout, path, text)]
    if facts is not None:
        state = f"container state: {facts.status}"
        if facts.exit_code is not None:
            state += f", exit code {facts.exit_code}"
        if facts.oom_killed:
            state += f" (killed: out of memory, over its {facts.memory_limit} limit)"
        if facts.stopped_for:
            state += f" ({facts.stopped_for})"
        if facts.forks_refused:
            state += (f" ({facts.forks_refused} new processes refused at its limit of {facts.process_limit}: "
                      "a fork bomb?)")
        if facts.error and facts.error != result.start_error:
            state += f", engine error: {facts.error}"
        lines.append(state)
        logs = [line[:300] for line in facts.logs.splitlines() if line.strip()]
        lines.append("last log lines:\n" + "\n".join(f"  {line}" for line in logs) if logs else "no log output")
    lines.append(_cause(session, result, port, path, text))
    return failed("\n".join(lines))


def _headline(result: ProbeResult, timeout: float, path: str, text: str) -> str:
    outcome = result.outcome
    if result.start_error:
        return f"the container could not start: {result.start_error}"
    if outcome.reason == "exited":
        return (f"the container stopped {outcome.seconds:.1f} s after it started, without answering on port "
                f"{result.port}")
    if outcome.reason == "wrong-answer":
        if outcome.status != 200:
            return f"GET {path} answered status {outcome.status}, expected 200 with `{text}`"
        preview = outcome.body[:200].decode("utf-8", "replace")
        size = f"the first {len(outcome.body) // 1024} KiB" if outcome.body_truncated else "the body"
        return f"GET {path} answered 200, but {size} does not contain `{text}`: {preview!r}"
    return f"no answer on port {result.port} within {timeout:g} s: {outcome.error or 'no connection'}"


def _cause(session: DynamicSession, result: ProbeResult, port: int, path: str, text: str) -> str:
    facts = result.facts
    config = session.image().config
    entrypoint = list(config.get("Entrypoint") or [])
    if entrypoint[:2] in _SHELLS:
        return ("cause: the ENTRYPOINT is in shell form (`/bin/sh -c ...`): Docker ignores CMD, so the server starts "
                "without its app, host and port; write it as a JSON array (exec form)")
    logs = facts.logs if facts else ""
    command = entrypoint + list(config.get("Cmd") or [])
    app = next((word.split(":")[0] for word in command if re.fullmatch(r"[A-Za-z_][\w.]*:[A-Za-z_]\w*", word)), None)
    unimported = re.search(r'Could not import module "([\w.]+)"', logs)  # uvicorn: the module, its package found
    missing = re.search(r"No module named '([\w.]+)'", logs)  # the app's own package not found at all
    target = unimported.group(1) if unimported else None
    if target is None and missing and app and (app + ".").startswith(missing.group(1) + "."):
        target = app
    if target:
        server = next((word for word in command if word.rsplit("/", 1)[-1] in ("uvicorn", "gunicorn", "hypercorn")),
                      "the server").rsplit("/", 1)[-1]
        workdir = config.get("WorkingDir") or "/"
        where = workdir.rstrip("/") + "/" + target.replace(".", "/") + ".py"
        ended = ""
        if result.outcome.reason == "exited":
            code = f" (exit code {facts.exit_code})" if facts and facts.exit_code is not None else ""
            ended = f"the server process ended{code} before it answered: "
        return (f"cause: {ended}WORKDIR or COPY put the app elsewhere: {server} runs in the WORKDIR ({workdir}) and "
                f"imports `{target}` from there, so {where} must exist; COPY the project into the WORKDIR "
                f"(`COPY . .` after `WORKDIR {workdir}`)")
    if "Error loading ASGI app" in logs:
        return "cause: uvicorn could not load the app that CMD names (`module:attribute`); the log above says why"
    listening = list(facts.listening) if facts else []
    if not listening and facts:
        listening = [(host.strip("[]"), int(number)) for host, number in _ANNOUNCED.findall(facts.logs)]
    on_port = [host for host, number in listening if number == port]
    if on_port and result.outcome.reason == "deadline" and not all(host in _LOOPBACK for host in on_port):
        reachable = next(host for host in on_port if host not in _LOOPBACK)
        return (f"cause: the app listens on {reachable}:{port} but did not answer in time; see the log (a request "
                "handler that blocks, a start-up that never finishes)")
    if on_port and all(host in _LOOPBACK for host in on_port):
        return (f"cause: the app listens on {on_port[0]}:{port} inside the container, which nothing outside the "
                f"container can reach; listen on all interfaces, 0.0.0.0 ({_listen_everywhere(port)})")
    others = sorted({number for _, number in listening if number != port})
    if listening and not on_port and others:
        return (f"cause: the app listens on port {', '.join(map(str, others))}, not {port}; "
                f"`--port {port}` (and EXPOSE {port})")
    if result.start_error:
        return ("cause: the engine cannot run the container's command (ENTRYPOINT + CMD): is the program installed in "
                "the image, on its PATH, and executable?")
    if result.outcome.reason == "wrong-answer":
        return f"cause: the app answers, but not what `GET {path}` of the exercise's app returns (a body with `{text}`)"
    if result.outcome.reason == "exited":
        code = f" (exit code {facts.exit_code})" if facts and facts.exit_code is not None else ""
        return (f"cause: the server process ended{code} before it answered; the log above says why (a module that "
                "does not import, a wrong app path, a missing dependency)")
    return ("typical causes: the server listening on 127.0.0.1 instead of 0.0.0.0 (uvicorn's default without "
            f"`--host`), another port than {port}, a shell-form ENTRYPOINT that makes Docker ignore CMD, a crash at "
            "start (see the log)")


def _listen_everywhere(port: int) -> str:
    return f"uvicorn `--host 0.0.0.0`, gunicorn `--bind 0.0.0.0:{port}`, flask `--host=0.0.0.0`"
