"""The HTTP probe against local servers in threads: no engine needed."""

import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from graders.probe import probe

HELLO = b'{"message":"Hello World"}'


def _handler(body: bytes, status: int = 200, delay: float = 0.0, repeat: int = 1):
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            time.sleep(delay)
            self.send_response(status)
            self.send_header("Content-Length", str(len(body) * repeat))
            self.end_headers()
            try:
                for _ in range(repeat):
                    self.wfile.write(body)
            except OSError:
                pass

        def log_message(self, *args):
            pass

    return Handler


@pytest.fixture
def serve():
    servers = []

    def start(handler, after: float = 0.0) -> int:
        """Serve with `handler` on a free port, listening from now or only `after` seconds."""
        port = free_port()

        def listen():
            server = ThreadingHTTPServer(("127.0.0.1", port), handler)
            server.daemon_threads = True
            servers.append(server)
            return server

        def run(server=None):
            if server is None:
                time.sleep(after)
                server = listen()
            server.serve_forever(poll_interval=0.05)

        threading.Thread(target=run, args=(None if after else listen(),), daemon=True).start()
        return port

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


@pytest.fixture
def silent_port():
    """A socket that accepts connections and never answers."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    yield listener.getsockname()[1]
    listener.close()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_answers_at_once(serve):
    outcome = probe("127.0.0.1", serve(_handler(HELLO)), timeout=5)
    assert outcome.ok and outcome.reason == "answered" and outcome.status == 200
    assert outcome.seconds < 1 and outcome.attempts == 1


def test_polls_until_the_server_listens(serve):
    outcome = probe("127.0.0.1", serve(_handler(HELLO), after=1.0), timeout=10, interval=0.1)
    assert outcome.ok
    assert 1.0 <= outcome.seconds < 1.5, "the verdict follows the first answer within a poll interval or so"
    assert outcome.attempts > 5


def test_nothing_listens_until_the_deadline():
    started = time.monotonic()
    outcome = probe("127.0.0.1", free_port(), timeout=1.0)
    assert not outcome.ok and outcome.reason == "deadline" and "refused" in outcome.error
    assert 1.0 <= time.monotonic() - started < 1.5


def test_stops_when_the_container_exits():
    calls = []
    outcome = probe("127.0.0.1", free_port(), timeout=30, alive=lambda: calls.append(1) or len(calls) < 3)
    assert outcome.reason == "exited" and outcome.seconds < 2


def test_accepts_but_never_answers(silent_port):
    started = time.monotonic()
    outcome = probe("127.0.0.1", silent_port, timeout=2.0, request_timeout=0.5)
    assert not outcome.ok and outcome.reason == "deadline"
    assert "no answer came within" in outcome.error
    assert time.monotonic() - started < 3.0


def test_wrong_status_settles_quickly(serve):
    outcome = probe("127.0.0.1", serve(_handler(b"nope", status=404)), timeout=30, settle=0.5)
    assert outcome.reason == "wrong-answer" and outcome.status == 404 and outcome.seconds < 1.5


def test_large_body_reads_a_bounded_prefix(serve):
    port = serve(_handler(b"x" * 65536, repeat=400))  # 25 MiB
    outcome = probe("127.0.0.1", port, timeout=30, settle=0.5, max_body=64 * 1024)
    assert outcome.reason == "wrong-answer" and outcome.body_truncated
    assert len(outcome.body) == 64 * 1024 and outcome.seconds < 3


def test_large_body_starting_with_hello(serve):
    port = serve(_handler(HELLO + b"x" * (30 * 1024 * 1024)))
    outcome = probe("127.0.0.1", port, timeout=30)
    assert outcome.ok and len(outcome.body) <= 64 * 1024 and outcome.seconds < 2


def test_slow_answer_is_bounded_per_request(serve):
    port = serve(_handler(HELLO, delay=5))
    started = time.monotonic()
    outcome = probe("127.0.0.1", port, timeout=1.5, request_timeout=0.5)
    assert not outcome.ok and time.monotonic() - started < 2.5
