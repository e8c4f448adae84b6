"""Each limit, on its own: where it is set, what a submission sees, and the failed check that says it was hit."""

from __future__ import annotations

import os
import socket
import threading
import time
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from graders.build_loop import BuildRequest
from graders.cli import main
from graders.cli_limits import LIMIT_OPTIONS, limits_from
from graders.guards import limited_build
from graders.limits import Limits, parse_size
from graders.probe import probe
from graders.session import DockerSessions
from graders.submission import Submission
from tests.adversarial.conftest import ROOT
from tests.adversarial.corpus import TEST_LIMITS
from tests.dynamic.conftest import BASE, batch_sessions, fixture_dockerfile, grade, open_session, task_spec

MIB = 1024**2


# -- the command line ---------------------------------------------------------------------------------------------


def test_the_options_defaults_are_the_engines():
    context = click.Context(main.commands["grade"])
    defaults = {p.name: p.get_default(context) for p in main.commands["grade"].params}
    converted = {name: (p.type.convert(defaults[name], p, context) if isinstance(defaults[name], str) else defaults[name])
                 for p in main.commands["grade"].params for name in [p.name] if name in defaults}
    assert limits_from(converted) == Limits()
    assert defaults["build_timeout"] == 900.0 and defaults["run_timeout"] == 60.0


def test_the_help_groups_the_limits():
    result = CliRunner().invoke(main, ["grade", "--help"])
    assert result.exit_code == 0
    head, limits = result.output.split("Limits (each submission", 1)
    for option, *_ in LIMIT_OPTIONS:
        assert option in limits and option not in head


def test_sizes_and_a_bad_size():
    assert [parse_size(t) for t in ("4G", "256M", "200MB", "64KiB", "1024", "1.5g")] == \
        [4 * 1024**3, 256 * MIB, 200 * MIB, 64 * 1024, 1024, int(1.5 * 1024**3)]
    result = CliRunner().invoke(main, ["grade", str(ROOT / "exercises" / "docker-fundamentals-2022" / "submissions" / "model-solution"), "--build-disk", "lots"])
    assert result.exit_code == 2 and "a size is a number" in result.output
    result = CliRunner().invoke(main, ["grade", str(ROOT / "exercises" / "docker-fundamentals-2022" / "submissions" / "model-solution"), "--memory", "1k"])
    assert result.exit_code == 2 and "1k is too small: at least 6 MiB" in result.output


def test_the_options_reach_the_sessions(monkeypatch, tmp_path):
    seen = {}

    def capture(hosts, **settings):
        seen.update(settings)
        return []

    monkeypatch.setattr("graders.cli._docker_sessions", capture)
    monkeypatch.setattr("graders.cli._clean_before_grading", lambda hosts: None)
    CliRunner().invoke(main, ["grade", str(ROOT / "exercises" / "docker-fundamentals-2022" / "submissions" / "model-solution"), "--no-advisories", "--task",
                              "task1", "--out", str(tmp_path / "run"), "--build-disk", "300M", "--memory", "1G",
                              "--cpus", "0.5", "--pids", "100", "--image-size", "1G", "--context-size", "10M",
                              "--log-bytes", "1M", "--response-bytes", "8K", "--build-memory", "768M"])
    assert seen["limits"] == Limits(mem_limit="1g", nano_cpus=500_000_000, pids_limit=100, build_memory="768m",
                                    build_disk=300 * MIB, context_bytes=10 * MIB, image_bytes=1024 * MIB,
                                    log_bytes=MIB, response_bytes=8 * 1024)


# -- the probe: a server that drips its answer ----------------------------------------------------------------------


def test_a_dripping_server_cannot_hold_the_probe():
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    stop = threading.Event()

    def drip():
        while not stop.is_set():
            try:
                listener.settimeout(0.2)
                connection, _ = listener.accept()
            except OSError:
                continue
            try:
                connection.recv(4096)
                connection.sendall(b"HTTP/1.1 200 OK\r\n")
                while not stop.is_set():
                    connection.sendall(b"X-Drip: a\r\n")  # a header line every 0.3 s: each read is in time
                    time.sleep(0.3)
            except OSError:
                pass
            finally:
                connection.close()

    thread = threading.Thread(target=drip, daemon=True)
    thread.start()
    try:
        started = time.monotonic()
        outcome = probe("127.0.0.1", listener.getsockname()[1], timeout=3.0, request_timeout=1.0, interval=0.1)
        took = time.monotonic() - started
    finally:
        stop.set()
        thread.join()
        listener.close()
    assert not outcome.ok and took < 5.0, (outcome, took)


# -- on a real engine ------------------------------------------------------------------------------------------------


@pytest.fixture
def sessions(engine):
    made = []

    def make(**options) -> DockerSessions:
        options.setdefault("limits", TEST_LIMITS)
        made.append(batch_sessions(engine, run_timeout=10.0, **options))
        return made[-1]

    yield make
    for item in made:
        item.close()


@pytest.mark.docker
def test_a_started_container_is_confined(engine, sessions, make_submission):
    owner = sessions()
    submission = make_submission("confined", fixture_dockerfile())
    with open_session(owner, submission, task_spec()) as session:
        attrs = engine.inspect_container(session.container())
        host = attrs["HostConfig"]
        assert host["Privileged"] is False and host["NetworkMode"] == "bridge"
        assert not host.get("Binds") and not attrs["Mounts"] and not host.get("Devices") and not host.get("CapAdd")
        assert host["PortBindings"] == {"8000/tcp": [{"HostIp": "127.0.0.1", "HostPort": ""}]}
        assert host["Memory"] == 256 * MIB and host["PidsLimit"] == 64 and host["NanoCpus"] == 1_000_000_000
        assert "no-new-privileges" in host["SecurityOpt"]
        assert host["LogConfig"] == {"Type": "json-file", "Config": {"max-file": "1", "max-size": str(2 * MIB)}}
        ports = ((attrs.get("NetworkSettings") or {}).get("Ports") or {}).get("8000/tcp") or []
        assert ports and all(binding["HostIp"] == "127.0.0.1" for binding in ports)


@pytest.mark.docker
def test_each_build_step_is_confined(engine, tmp_path):
    """Memory and CPUs from the step's creation (the build's parameters); processes from its first instruction
    (the build's own cgroup, on this host) or within milliseconds (a live update, elsewhere)."""
    (tmp_path / "Dockerfile").write_text(
        f"FROM {BASE}\n"
        f"RUN echo {os.urandom(6).hex()}; grep -h pids /proc/self/cgroup; cat /sys/fs/cgroup/cpu/cpu.cfs_quota_us /sys/fs/cgroup/memory/memory.limit_in_bytes\n"
        "RUN for i in $(seq 1 100); do sleep 3 & done; wait\n")
    output = limited_build(engine, BuildRequest(tmp_path, "Dockerfile", "graders-limits-test:steps", timeout=60),
                           Limits(pids_limit=48, nano_cpus=500_000_000, build_memory="300m"))
    text = "\n".join(output.log)
    # the step fails on its own ("Cannot fork"), or the guard stops it first (on an engine of this host)
    stopped = "tried to run more than its limit of 48 processes" in (output.error or "")
    assert output.image_id is None and ("Cannot fork" in text or stopped), text
    assert "\n50000\n" in text and f"\n{300 * MIB}\n" in text, text
    if os.geteuid() == 0 and engine.api.info().get("CgroupDriver") == "cgroupfs":
        assert "pids:/graders-build-" in text, "the step runs in the build's own cgroup"
        assert not [p for p in Path("/sys/fs/cgroup").glob("*/graders-build-*") if f"-{os.getpid()}-" in p.name], \
            "the build's cgroup is removed"


@pytest.mark.docker
def test_an_image_over_the_size_limit(engine, sessions, make_submission):
    owner = sessions(limits=Limits(image_bytes=50 * MIB))
    results = grade(owner, make_submission("too-big", fixture_dockerfile()), task_spec(checks=("builds", "image-config")))
    assert results["builds"].status.value == "failed"
    assert "over the grader's limit of 50 MiB" in results["builds"].message
    assert results["image-config"].message == "blocked: builds failed"
    assert not engine.labelled(f"graders.run={owner.run_id}")["images"]


@pytest.mark.docker
def test_a_containers_log_is_read_up_to_its_limit(engine):
    container = engine.create_container(BASE, labels={"graders.test": "log"}, network=False,
                                        command=["-c", "head -c 3000000 /dev/zero | tr '\\0' x; sleep 30"],
                                        entrypoint=["/bin/sh"])
    try:
        engine.start(container)
        time.sleep(1.5)
        started = time.monotonic()
        text = engine.logs(container, tail=20, max_bytes=100_000)
        assert len(text) <= 100_000 and text.count("x") > 50_000
        assert time.monotonic() - started < 5
    finally:
        engine.remove_container(container)


def test_a_dockerfile_linked_out_of_the_submission_is_not_read(tmp_path):
    (tmp_path / "outside.txt").write_text("the grader's secret\n")
    folder = tmp_path / "student"
    folder.mkdir()
    (folder / "dockerfile-task-1").symlink_to(tmp_path / "outside.txt")
    (folder / "inside").write_text("FROM x\n")
    (folder / "dockerfile-task-2").symlink_to(folder / "inside")
    submission = Submission("student", folder)
    assert submission.escapes(folder / "dockerfile-task-1") == str(tmp_path / "outside.txt")
    assert submission.escapes(folder / "dockerfile-task-2") is None
    assert submission.read_text("../outside.txt") is None
    assert submission.read_text("dockerfile-task-1") is None


def test_no_grader_text_reaches_the_results(tmp_path):
    from graders.exercise import load_exercise
    from graders.grading import GradingOptions
    from graders.grading import grade as grade_all

    folder = tmp_path / "student"
    folder.mkdir()
    (folder / "dockerfile-task-1").symlink_to(ROOT / "README.md")
    (folder / "pyproject.toml").symlink_to(ROOT / "pyproject.toml")
    result = grade_all([Submission("student", folder)], [load_exercise().tasks["task1"]],
                       GradingOptions(static_only=True))[0].tasks[0]
    assert result.source is None if hasattr(result, "source") else True
    text = repr(result)
    assert "graders — grading harness" not in text and "Docker fundamentals" not in text
    assert all("symbolic link that leads out" in c.message for c in result.checks if c.status.value == "failed")


def test_context_size_limit(tmp_path):
    from graders.build_context import ContextError, batch_context

    folder = tmp_path / "student"
    (folder / "app").mkdir(parents=True)
    (folder / "dockerfile-task-1").write_text("FROM x\n")
    with open(folder / "app" / "big.bin", "wb") as handle:
        handle.truncate(1 << 30)  # sparse
    started = time.monotonic()
    with pytest.raises(ContextError, match="would exceed 64 MiB"):
        batch_context(folder, folder / "dockerfile-task-1", ROOT, starter=("app",), overlaid=("app",), max_bytes=64 * MIB)
    assert time.monotonic() - started < 2
    (folder / "app" / "big.bin").unlink()
    assert Path(folder / "app").exists()
