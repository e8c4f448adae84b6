"""DockerSessions and DockerSession: names, labels, the engine's absence, student mode, and cleanup."""

import re
from pathlib import Path

import pytest

from graders.results import ImageInfo
from graders.session import PID_LABEL, RUN_LABEL, DockerSessions, parse_listening
from graders.submission import Submission
from tests.dynamic.conftest import BASE, ROOT, assert_result, fixture_dockerfile, grade, task_spec

REFERENCE = re.compile(r"^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*"
                       r":[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$")


def tags(ids, run_id="20261128-101500-ab12cd"):
    sessions = DockerSessions(run_id=run_id)
    task = task_spec("task3-1")
    return [sessions.tag_for(Submission(i, Path(".")), task) for i in ids]


def test_batch_tags_are_valid_and_distinct():
    ids = ["alice", "Alice", "alice ", "ALICE!", "élodie", "..", "-x-", "a" * 300, "Bob Smith (2)", "bob-smith-2", "名前"]
    made = tags(ids)
    for tag in made:
        assert REFERENCE.match(tag), tag
        assert len(tag) < 200
    assert len(set(made)) == len(made)
    assert made[0] == "graders/alice-task3-1:20261128-101500-ab12cd", "plain ids stay readable"


def test_the_same_submission_twice_in_a_run_gets_two_tags():
    assert len(set(tags(["alice", "alice"]))) == 2


def test_student_mode_uses_the_task_tag():
    sessions = DockerSessions(mode="student")
    assert sessions.tag_for(Submission("x", Path(".")), task_spec(tag="base-image-fastapi:dev")) == "base-image-fastapi:dev"


def test_labels_name_the_run_and_the_process():
    sessions = DockerSessions(run_id="r1")
    assert sessions.labels[RUN_LABEL] == "r1" and sessions.labels[PID_LABEL].isdigit()


def test_parse_listening():
    text = (
        "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n"
        "   0: 0100007F:1F40 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1 1\n"
        "   1: 00000000:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 2 1\n"
        "   2: 0100007F:1F40 0100007F:9C40 01 00000000:00000000 00:00000000 00000000     0        0 3 1\n"
        "  sl  local_address                         remote_address                        st\n"
        "   0: 00000000000000000000000001000000:1F40 00000000000000000000000000000000:0000 0A 0 0 0 0\n"
        "   1: 00000000000000000000000000000000:0050 00000000000000000000000000000000:0000 0A 0 0 0 0\n"
    )
    assert parse_listening(text) == (("127.0.0.1", 8000), ("0.0.0.0", 8080), ("::1", 8000), ("::", 80))


def test_no_engine_is_an_error_with_one_clear_sentence(tmp_path, make_submission):
    submission = make_submission("no-engine", fixture_dockerfile())
    sessions = DockerSessions(docker_host=f"unix://{tmp_path}/no-docker.sock")
    results = grade(sessions, submission, task_spec())
    sessions.close()
    for check_id in ("builds", "image-config", "serves-hello-world", "python-version", "runs-as-non-root"):
        assert_result(results[check_id], "error", f"no Docker engine answers at unix://{tmp_path}/no-docker.sock: "
                      "start one (`make docker-engine` or `sudo dockerd &`), or grade with --static-only")
        assert not results[check_id].settled, "once an engine answers, --resume grades it again"
    assert_result(results["pushed"], "skipped", "no registry configured")
    assert results["_seconds"] < 5


@pytest.mark.docker
def test_student_mode_tags_and_keeps_the_image_without_harness_labels(engine, tmp_path):
    repo = tmp_path / "repo"
    (repo / "app").mkdir(parents=True)
    (repo / "app" / "fake_uvicorn.py").write_text((ROOT / "tests/fixtures/dynamic/fake_uvicorn.py").read_text())
    (repo / "app" / "fake_uvicorn.py").chmod(0o755)
    (repo / "graders").mkdir()
    (repo / "graders" / "secret.py").write_text("harness\n")
    (repo / ".dockerignore").write_text((ROOT / ".dockerignore").read_text())
    (repo / "dockerfile-task-3-2").write_text(fixture_dockerfile("RUN test ! -e /server/graders"))
    tag = "graders-test-student-mode:dev"
    sessions = DockerSessions(mode="student", repo_root=repo, engine=engine)
    try:
        results = grade(sessions, Submission("repo", repo), task_spec(tag=tag, checks=("builds", "serves-hello-world")))
        assert_result(results["builds"], "passed", tag)
        assert_result(results["serves-hello-world"], "passed")
        sessions.close()
        kept = engine.inspect_image(tag)
        assert kept is not None, "student mode leaves the image with the required tag, as `make buildTask3-2` does"
        labels = kept["Config"].get("Labels") or {}
        assert RUN_LABEL not in labels and PID_LABEL not in labels, "the same image a plain `docker build` makes"
        assert results["_image"].tag == tag
    finally:
        engine.remove_image(tag)


@pytest.mark.docker
def test_containers_are_removed_on_ctrl_c(engine, make_submission, monkeypatch):
    import graders.session as session_module

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(session_module, "probe", interrupted)
    sessions = DockerSessions(repo_root=ROOT, engine=engine)
    with pytest.raises(KeyboardInterrupt):
        grade(sessions, make_submission("hello", fixture_dockerfile()), task_spec())
    left = engine.labelled(f"{RUN_LABEL}={sessions.run_id}")
    assert left["containers"] == [] and left["images"] == [], "the session's exit removed them"
    sessions.close()


@pytest.mark.docker
def test_close_removes_what_an_unfinished_session_left(engine, make_submission):
    sessions = DockerSessions(repo_root=ROOT, engine=engine, run_timeout=5.0)
    submission = make_submission("hello", fixture_dockerfile())
    session = sessions(submission, task_spec(), submission.path / "dockerfile-task-3-2")
    session.container()  # never exited: a crash of the grading loop
    assert engine.labelled(f"{RUN_LABEL}={sessions.run_id}")["containers"]
    sessions.close()
    left = engine.labelled(f"{RUN_LABEL}={sessions.run_id}")
    assert not any(left.values())


@pytest.mark.docker
def test_probe_container_limits(engine, make_submission):
    sessions = DockerSessions(repo_root=ROOT, engine=engine)
    submission = make_submission("hello", fixture_dockerfile())
    with sessions(submission, task_spec(), submission.path / "dockerfile-task-3-2") as session:
        attrs = engine.inspect_container(session.container())
        host = attrs["HostConfig"]
        assert host["Memory"] == 512 * 1024 * 1024 and host["NanoCpus"] == 1_000_000_000 and host["PidsLimit"] == 256
        assert host["Privileged"] is False and host["NetworkMode"] != "host" and not host.get("Binds")
        assert not attrs["Mounts"]
        assert host["PortBindings"] == {"8000/tcp": [{"HostIp": "127.0.0.1", "HostPort": ""}]}
        assert attrs["Config"]["Labels"][RUN_LABEL] == sessions.run_id
        assert isinstance(session.image_info, ImageInfo)
    sessions.close()


@pytest.mark.docker
def test_batch_mode_removes_its_images_but_keeps_the_cache(engine, make_submission):
    sessions = DockerSessions(repo_root=ROOT, engine=engine)
    submission = make_submission("hello", fixture_dockerfile())
    first = grade(sessions, submission, task_spec(checks=("builds",)))
    assert engine.inspect_image(first["_image"].tag) is None, "the run's tag is gone after the session"
    again = grade(sessions, submission, task_spec(checks=("builds",)))
    assert_result(again["builds"], "passed", "cached step(s)")
    assert int(again["builds"].message.split("(")[1].split(" ")[0]) >= 5, "the Dockerfile's steps come from cache"
    sessions.close()


@pytest.mark.docker
def test_two_students_with_the_same_dockerfile_keep_their_own_images(engine, make_submission):
    """Closing one student's session (which removes its image by id) never takes the other's image with it."""
    sessions = DockerSessions(repo_root=ROOT, engine=engine)
    task = task_spec(checks=("builds",))
    first, second = (make_submission(name, fixture_dockerfile()) for name in ("twin-a", "twin-b"))
    with sessions(first, task, first.path / "dockerfile-task-3-2") as session_a:
        built_a = session_a.build()
        with sessions(second, task, second.path / "dockerfile-task-3-2") as session_b:
            built_b = session_b.build()
            assert built_a.ok and built_b.ok and built_a.image.id != built_b.image.id
            session_a.close()
            assert engine.inspect_image(built_b.image.tag) is not None, "the twin's image went with the first"
    sessions.close()


@pytest.mark.docker
def test_batch_context_in_the_image(engine, make_submission):
    """COPY . copies the submission's files and its Dockerfile, never the harness's labelled copy of it."""
    sessions = DockerSessions(repo_root=ROOT, engine=engine)
    submission = make_submission("hello", fixture_dockerfile())
    with sessions(submission, task_spec(), submission.path / "dockerfile-task-3-2") as session:
        names = {entry.path for entry in session.list_directory("/server", limit=100)}
        image = session.image()
    sessions.close()
    assert {"dockerfile-task-3-2", "app", "app/fake_uvicorn.py", "app/main.py", "pyproject.toml", "poetry.lock"} <= names
    assert not any(".dockerfile" in name or ".graders" in name or name == ".dockerignore" for name in names), names
    assert image.unlabelled_id and image.unlabelled_id != image.id
    parent = engine.inspect_image(image.unlabelled_id)
    assert "graders.run" not in (parent["Config"].get("Labels") or {}), "the build as a plain `docker build` makes it"


@pytest.mark.parametrize(("step", "error", "machine"), [
    ("Step 1/9 : FROM python:3.9", 'Get "https://registry-1.docker.io/v2/": dial tcp: lookup registry-1.docker.io '
     "on 10.0.0.53:53: no such host", True),
    ("Step 1/9 : FROM python:3.9", "Get https://registry-1.docker.io/v2/: net/http: TLS handshake timeout", True),
    ("Step 1/9 : FROM pyhton:3.8.12", "pull access denied for pyhton, repository does not exist or may require "
     "'docker login'", False),
    ("Step 1/9 : FROM python:3.8.99", "manifest for python:3.8.99 not found: manifest unknown", False),
    ("Step 5/9 : RUN pip install fastapi", "The command '/bin/sh -c pip install fastapi' returned a non-zero code: 1",
     False),
    ("Step 5/9 : RUN curl https://x", "dial tcp: lookup x: no such host", False),
])
def test_unreachable_registry_is_the_machines_problem(step, error, machine):
    """A FROM the engine cannot pull because the registry is out of reach is an error, not the student's failure."""
    from graders.session import _unreachable_registry

    assert _unreachable_registry(step, error) is machine


@pytest.mark.docker
def test_clean_removes_what_dead_runs_left(engine):
    import os
    import subprocess

    from graders.cleanup import clean_dead_runs

    finished = subprocess.Popen(["true"])
    finished.wait()
    dead = engine.create_container(BASE, labels={RUN_LABEL: "dead-run", PID_LABEL: str(finished.pid)},
                                   network=False)
    alive = engine.create_container(BASE, labels={RUN_LABEL: "live-run", PID_LABEL: str(os.getpid())},
                                    network=False)
    try:
        assert clean_dead_runs(engine).total >= 1
        assert engine.inspect_container(dead) is None
        assert engine.inspect_container(alive) is not None, "a live run's objects stay"
    finally:
        engine.remove_container(dead)
        engine.remove_container(alive)


@pytest.mark.docker
def test_clean_command_leaves_what_is_not_the_harness(engine):
    import subprocess
    import sys

    finished = subprocess.Popen(["true"])
    finished.wait()
    dead = engine.create_container(BASE, labels={RUN_LABEL: "dead-run", PID_LABEL: str(finished.pid)},
                                   network=False)
    foreign = engine.create_container(BASE, labels={"someone.else": "1"}, network=False)
    try:
        cleaned = subprocess.run([sys.executable, "-m", "graders", "clean"], cwd=ROOT, capture_output=True,
                                 text=True, timeout=120)
        assert cleaned.returncode == 0, cleaned.stderr
        assert "removed" in cleaned.stdout
        assert engine.inspect_container(dead) is None
        assert engine.inspect_container(foreign) is not None, "what is not the harness's stays"
    finally:
        engine.remove_container(dead)
        engine.remove_container(foreign)
