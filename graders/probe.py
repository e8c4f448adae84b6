"""Readiness and content probe of a containerised web app: poll GET / until it answers or a deadline passes.

Never a fixed sleep: a request every `interval` seconds, each bounded by `request_timeout`; stop as soon as the
expected answer arrives, when the container exits (`alive()` says so), or at the deadline. At most `max_body`
bytes of a body are read, so a server streaming megabytes costs no more than a small one.
"""

from __future__ import annotations

import http.client
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

MAX_BODY = 64 * 1024


@dataclass(frozen=True)
class ProbeOutcome:
    ok: bool
    reason: str  # "answered" | "wrong-answer" | "exited" | "deadline"
    seconds: float  # from the start of probing to the verdict
    attempts: int
    status: int | None = None  # of the last complete HTTP answer
    body: bytes = b""  # its first bytes (at most max_body)
    error: str = ""  # the last connection problem, when no HTTP answer came
    answered_after: float | None = None  # seconds until the first HTTP answer of any kind
    body_truncated: bool = False


def probe(
    host: str,
    port: int,
    *,
    path: str = "/",
    text: str = "Hello World",
    timeout: float = 60.0,
    alive: Callable[[], bool] = lambda: True,
    interval: float = 0.1,
    request_timeout: float = 2.0,
    max_body: int = MAX_BODY,
    settle: float = 2.0,
) -> ProbeOutcome:
    """Poll http://host:port/path until a 200 answer whose body holds `text`.

    A wrong answer (another status, a body without `text`) is retried for `settle` seconds (an app may answer
    before it is fully up), then final. The container's exit (`alive()` false) ends the wait at once.
    """
    started = time.monotonic()
    deadline = started + timeout
    attempts = 0
    last_error = ""
    status: int | None = None
    body = b""
    truncated = False
    first_answer: float | None = None
    wanted = text.encode()
    while True:
        attempts += 1
        attempt_started = time.monotonic()
        budget = min(request_timeout, max(0.05, deadline - attempt_started))
        try:
            status, body, truncated = _get(host, port, path, budget, max_body, wanted)
        except (OSError, http.client.HTTPException) as problem:
            cut_short = budget < request_timeout and isinstance(problem, (socket.timeout, TimeoutError))
            if not (cut_short and last_error):  # the deadline's shortened last attempt says less than the others
                last_error = _describe(problem, budget)
        else:
            now = time.monotonic()
            if first_answer is None:
                first_answer = now
            if status == 200 and wanted in body:
                return ProbeOutcome(True, "answered", now - started, attempts, status, body, "",
                                    first_answer - started, truncated)
            if now - first_answer >= settle:
                return ProbeOutcome(False, "wrong-answer", now - started, attempts, status, body, "",
                                    first_answer - started, truncated)
        now = time.monotonic()
        if not alive():
            return _end(False, "exited", started, attempts, status, body, last_error, first_answer, truncated)
        if now >= deadline:
            reason = "wrong-answer" if first_answer is not None else "deadline"
            return _end(False, reason, started, attempts, status, body, last_error, first_answer, truncated)
        time.sleep(max(0.0, min(interval - (now - attempt_started), deadline - now)))


def _end(ok: bool, reason: str, started: float, attempts: int, status: int | None, body: bytes, error: str,
         first_answer: float | None, truncated: bool) -> ProbeOutcome:
    return ProbeOutcome(ok, reason, time.monotonic() - started, attempts, status, body, error,
                        None if first_answer is None else first_answer - started, truncated)


def _get(host: str, port: int, path: str, budget: float, max_body: int, wanted: bytes) -> tuple[int, bytes, bool]:
    """One GET: (status, first bytes of the body, whether the body was cut), all within `budget` seconds: a
    watchdog shuts the socket at the end of the budget, so a server that drips its headers a byte at a time
    (each read within the socket's timeout) cannot hold the probe longer."""
    ends = time.monotonic() + budget
    connection = http.client.HTTPConnection(host, port, timeout=budget)
    fired = threading.Event()
    watchdog = threading.Timer(budget + 0.05, _shut, (connection, fired))
    watchdog.daemon = True
    watchdog.start()
    try:
        connection.request("GET", path, headers={"Host": f"localhost:{port}", "Connection": "close",
                                                 "Accept-Encoding": "identity", "User-Agent": "graders-probe"})
        response = connection.getresponse()
        body = b""
        truncated = False
        while len(body) < max_body:
            remaining = ends - time.monotonic()
            if remaining <= 0:
                raise TimeoutError("timed out reading the body")
            if connection.sock is not None:
                connection.sock.settimeout(remaining)
            chunk = response.read1(min(65536, max_body - len(body)))
            if not chunk:
                break
            body += chunk
            if response.status == 200 and wanted in body:
                break
        else:
            truncated = True
        return response.status, body, truncated
    except (OSError, http.client.HTTPException):
        if fired.is_set():  # the watchdog's shutdown reads as the server closing: it was the budget running out
            raise TimeoutError(f"no answer within {budget:.3g} s") from None
        raise
    finally:
        watchdog.cancel()
        connection.close()


def _shut(connection: http.client.HTTPConnection, fired: threading.Event) -> None:
    fired.set()
    sock = connection.sock
    if sock is not None:
        try:
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass


def _describe(problem: Exception, budget: float) -> str:
    if isinstance(problem, (socket.timeout, TimeoutError)):
        return f"the connection was accepted but no answer came within {budget:.3g} s"
    if isinstance(problem, ConnectionRefusedError):
        return "connection refused: nothing listens on the published port"
    if isinstance(problem, (ConnectionResetError, http.client.RemoteDisconnected, BrokenPipeError)):
        return "the connection was closed without an answer (nothing answers on that port inside the container)"
    if isinstance(problem, http.client.HTTPException):
        return f"not a valid HTTP answer ({type(problem).__name__})"
    return f"{type(problem).__name__}: {problem}"
