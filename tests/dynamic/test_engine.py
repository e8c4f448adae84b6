"""The Docker adapter: connection errors in one sentence, DOCKER_HOST honoured, commands and listings."""

import pytest

from graders.core import HarnessError
from graders.engine import Engine
from graders.engine_errors import EngineUnavailable
from graders.labels import PID_LABEL, RUN_LABEL
from tests.dynamic.conftest import BASE

SENTENCE = "start one (`make docker-engine` or `sudo dockerd &`), or grade with --static-only"


def test_unavailable_engine_says_how_to_start_one(tmp_path):
    url = f"unix://{tmp_path}/docker.sock"
    with pytest.raises(EngineUnavailable) as raised:
        Engine.connect(url)
    assert str(raised.value) == f"no Docker engine answers at {url}: {SENTENCE}"
    assert isinstance(raised.value, HarnessError), "reported as status error, never as the student's failure"


def test_docker_host_is_honoured(tmp_path, monkeypatch):
    monkeypatch.setenv("DOCKER_HOST", f"unix://{tmp_path}/elsewhere.sock")
    with pytest.raises(EngineUnavailable, match=f"no Docker engine answers at unix://{tmp_path}/elsewhere.sock"):
        Engine.connect()


def test_tcp_engine_that_does_not_answer():
    with pytest.raises(EngineUnavailable, match="no Docker engine answers at tcp://127.0.0.1:9"):
        Engine.connect("tcp://127.0.0.1:9", timeout=3)


LABELS = {RUN_LABEL: "engine-test", PID_LABEL: str(__import__("os").getpid())}


@pytest.mark.docker
def test_run_a_throwaway_command(engine):
    result = engine.run(BASE, ["sh", "-c", "echo out; echo err >&2; exit 3"], labels=LABELS)
    assert result.exit_code == 3 and "out" in result.output and "err" in result.output
    assert engine.labelled(f"{RUN_LABEL}=engine-test")["containers"] == [], "removed at once"


@pytest.mark.docker
def test_throwaway_commands_have_no_network(engine):
    result = engine.run(BASE, ["cat", "/proc/net/route"], labels=LABELS)
    assert result.exit_code == 0 and "eth0" not in result.output


@pytest.mark.docker
def test_missing_executable(engine):
    result = engine.run(BASE, ["no-such-program-xyz"], labels=LABELS)
    assert result.exit_code not in (0, None) and "no-such-program-xyz" in result.output


@pytest.mark.docker
def test_exec_and_listing_in_a_container(engine):
    container = engine.create_container(BASE, labels=LABELS, command=["sleep", "30"], network=False)
    try:
        assert engine.list_directory(container, "/no/such/path") is None, "listing works before the start too"
        engine.start(container)
        result = engine.exec(container, ["sh", "-c", "mkdir -p /tmp/d/e && echo x > /tmp/d/e/f && id -u"])
        assert result.exit_code == 0 and result.output.strip() == "0"
        assert engine.exec(container, ["id", "-u"], user="65534").output.strip() == "65534"
        entries = {entry.path: entry.kind for entry in engine.list_directory(container, "/tmp/d")}
        assert entries == {"e": "dir", "e/f": "file"}
        assert engine.list_directory(container, "/tmp/d/e", limit=1) == engine.list_directory(container, "/tmp/d/e")
        failing = engine.exec(container, ["sh", "-c", "exit 4"])
        assert failing.exit_code == 4
    finally:
        engine.remove_container(container)
    assert engine.inspect_container(container) is None
