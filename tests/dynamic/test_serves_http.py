"""serves-http: the verdict and its explanation, from fake probe results (the real ones: test_scenarios). The 2022
edition runs it as `serves-hello-world` (port 8000, `/`, `Hello World`)."""

import dataclasses

import pytest

from graders.checks.dynamic.serves_http import check
from tests.dynamic.fakes import FakeSession, assert_verdict, facts, image, probe_result, run

EXERCISE = {"port": 8000, "path": "/", "text": "Hello World"}


def session(result, **config) -> FakeSession:
    return FakeSession(image(**config), probe_result=result)


def serve(fake: FakeSession, **parameters):
    return run(check, fake, **{**EXERCISE, **parameters})


def test_passes():
    verdict = serve(session(probe_result("answered", status=200, body=b"Hello World", seconds=1.2)))
    assert_verdict(verdict, "passed", "answered 200", "1.2 s", "127.0.0.1:32768")


def test_exited_reports_state_code_and_logs():
    logs = "\n".join(f"line {n}" for n in range(1, 21)) + "\n"
    result = probe_result("exited", seconds=0.4, facts=facts("exited", 3, logs))
    verdict = serve(session(result))
    assert_verdict(verdict, "failed", "stopped 0.4 s after it started", "container state: exited, exit code 3",
                   "last log lines:\n  line 1\n", "line 20")


def test_shell_form_entrypoint_is_named():
    result = probe_result("exited", facts=facts("exited", 2, "Error: Missing argument 'APP'.\n"))
    verdict = serve(session(result, Entrypoint=["/bin/sh", "-c", "uvicorn"]))
    assert_verdict(verdict, "failed", "exit code 2", "ENTRYPOINT is in shell form", "ignores CMD")


@pytest.mark.parametrize(
    ("listening", "logs", "says"),
    [
        ([("127.0.0.1", 8000)], "", "listens on 127.0.0.1:8000 inside the container"),
        ([("::1", 8000)], "", "listens on ::1:8000"),
        ([("0.0.0.0", 8080)], "", "listens on port 8080, not 8000"),
        ([], "INFO:     Uvicorn running on http://127.0.0.1:8000 (Press CTRL+C to quit)", "--host 0.0.0.0"),
        ([], "INFO:     Uvicorn running on http://0.0.0.0:5000 (Press CTRL+C to quit)", "port 5000, not 8000"),
        ([], "", "typical causes"),
    ],
    ids=["loopback", "ipv6-loopback", "other-port", "loopback-from-log", "other-port-from-log", "unknown"],
)
def test_deadline_names_the_cause(listening, logs, says):
    result = probe_result("deadline", error="connection refused", facts=facts("running", None, logs, listening))
    verdict = serve(session(result))
    assert_verdict(verdict, "failed", "no answer on port 8000 within 60 s: connection refused",
                   "container state: running", says)


def test_listening_everywhere_and_on_loopback_is_not_blamed_on_the_host():
    result = probe_result("deadline", error="x", facts=facts("running", listening=[("0.0.0.0", 8000), ("127.0.0.1", 9)]))
    verdict = serve(session(result))
    assert "127.0.0.1" not in verdict.message.split("cause")[-1]
    assert_verdict(verdict, "failed", "listens on 0.0.0.0:8000 but did not answer")


def test_wrong_status():
    result = probe_result("wrong-answer", status=404, body=b'{"detail":"Not Found"}', facts=facts())
    assert_verdict(serve(session(result)), "failed", "answered status 404, expected 200")


def test_body_without_text():
    result = probe_result("wrong-answer", status=200, body=b"x" * 65536, truncated=True, facts=facts())
    assert_verdict(serve(session(result)), "failed", "the first 64 KiB does not contain `Hello World`", "'xxxx")


def test_start_error():
    result = probe_result("exited", start_error='exec: "uvicorn": executable file not found in $PATH',
                          facts=facts("created", 127, error='exec: "uvicorn": executable file not found in $PATH'))
    verdict = serve(session(result))
    assert_verdict(verdict, "failed", "could not start", "executable file not found")
    assert verdict.message.count("executable file not found") == 1


def test_oom():
    result = probe_result("exited", facts=facts("exited", 137, oom=True))
    assert_verdict(serve(session(result)), "failed", "out of memory")


def test_a_fork_bomb_is_named():
    bombed = dataclasses.replace(facts("running"), forks_refused=119, process_limit=64)
    assert_verdict(serve(session(probe_result("deadline", facts=bombed))), "failed",
                   "119 new processes refused at its limit of 64: a fork bomb?")
    assert "fork bomb" not in serve(session(probe_result("deadline", facts=facts("running")))).message


def test_a_container_stopped_by_the_grader_says_why():
    stopped = dataclasses.replace(facts("exited", 137), stopped_for="stopped by the grader: it wrote 210 MiB to its "
                                  "own filesystem, over its limit of 200 MiB")
    assert_verdict(serve(session(probe_result("exited", facts=stopped))), "failed",
                   "container state: exited, exit code 137 (stopped by the grader: it wrote 210 MiB")


def test_blocked_without_image():
    assert_verdict(serve(FakeSession(built=None)), "failed", "blocked: builds failed")


def test_exited_names_the_crash():
    result = probe_result("exited", seconds=0.3, facts=facts("exited", 1, "ModuleNotFoundError: No module named 'app'\n"))
    assert_verdict(serve(session(result)), "failed", "the server process ended (exit code 1) before it answered")


def test_start_error_cause():
    result = probe_result("exited", start_error='exec: "uvicornn": executable file not found in $PATH',
                          facts=facts("created", 127))
    assert_verdict(serve(session(result)), "failed", "cannot run the container's command")


def test_the_port_path_and_text_are_parameters():
    answered = probe_result("answered", status=200, body=b"pong", seconds=0.5)
    assert_verdict(serve(session(answered), port=5000, path="/ping", text="pong"), "passed", "GET /ping answered 200 "
                   "with `pong`", "port 5000 published")
    wrong = probe_result("wrong-answer", status=200, body=b"Hello World", facts=facts())
    assert_verdict(serve(session(wrong), port=5000, path="/ping", text="pong"), "failed",
                   "GET /ping answered 200, but the body does not contain `pong`",
                   "not what `GET /ping` of the exercise's app returns (a body with `pong`)")
    elsewhere = probe_result("deadline", error="refused", facts=facts("running", listening=[("0.0.0.0", 8000)]))
    assert_verdict(serve(session(elsewhere), port=5000, path="/", text="x"), "failed",
                   "listens on port 8000, not 5000; `--port 5000` (and EXPOSE 5000)")


def test_the_loopback_cause_names_each_server_s_option():
    result = probe_result("deadline", error="refused", facts=facts("running", listening=[("127.0.0.1", 5000)]))
    assert_verdict(serve(session(result), port=5000), "failed", "uvicorn `--host 0.0.0.0`",
                   "gunicorn `--bind 0.0.0.0:5000`")


def test_the_hint_names_no_server():
    assert "uvicorn" not in check.hint and "{port}" in check.hint
