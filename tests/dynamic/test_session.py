"""DockerSessions and DockerSession: labels, the engine's absence, student mode, and cleanup."""

import pytest

from graders.exercise import load_exercise
from graders.labels import PID_LABEL, RUN_LABEL
from graders.results import ImageInfo
from graders.session import DockerSessions, EngineLink
from graders.session_modes import BatchMode, StudentMode
from graders.submission import Submission
from tests.dynamic.conftest import (
    BASE,
    ROOT,
    assert_result,
    batch_sessions,
    fixture_dockerfile,
    grade,
    open_session,
    task_spec,
)


def test_labels_name_the_run_and_the_process():
    sessions = batch_sessions(run_id="r1")
    assert sessions.labels[RUN_LABEL] == "r1" and sessions.labels[PID_LABEL].isdigit()


def test_no_engine_is_an_error_with_one_clear_sentence(tmp_path, make_submission):
    submission = make_submission("no-engine", fixture_dockerfile())
    sessions = DockerSessions(BatchMode(load_exercise()), EngineLink(f"unix://{tmp_path}/no-docker.sock"))
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
    sessions = DockerSessions(StudentMode.of(load_exercise(), repo), EngineLink(engine=engine))
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
    import graders.probe_container as probe_container

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(probe_container, "probe", interrupted)
    sessions = batch_sessions(engine)
    with pytest.raises(KeyboardInterrupt):
        grade(sessions, make_submission("hello", fixture_dockerfile()), task_spec())
    left = engine.labelled(f"{RUN_LABEL}={sessions.run_id}")
    assert left["containers"] == [] and left["images"] == [], "the session's exit removed them"
    sessions.close()


@pytest.mark.docker
def test_close_removes_what_an_unfinished_session_left(engine, make_submission):
    sessions = batch_sessions(engine, run_timeout=5.0)
    submission = make_submission("hello", fixture_dockerfile())
    session = open_session(sessions, submission, task_spec())
    session.container()  # never exited: a crash of the grading loop
    assert engine.labelled(f"{RUN_LABEL}={sessions.run_id}")["containers"]
    sessions.close()
    left = engine.labelled(f"{RUN_LABEL}={sessions.run_id}")
    assert not any(left.values())


@pytest.mark.docker
def test_probe_container_limits(engine, make_submission):
    sessions = batch_sessions(engine)
    submission = make_submission("hello", fixture_dockerfile())
    with open_session(sessions, submission, task_spec()) as session:
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
    sessions = batch_sessions(engine)
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
    sessions = batch_sessions(engine)
    task = task_spec(checks=("builds",))
    first, second = (make_submission(name, fixture_dockerfile()) for name in ("twin-a", "twin-b"))
    with open_session(sessions, first, task) as session_a:
        built_a = session_a.build()
        with open_session(sessions, second, task) as session_b:
            built_b = session_b.build()
            assert built_a.ok and built_b.ok and built_a.image.id != built_b.image.id
            session_a.close()
            assert engine.inspect_image(built_b.image.tag) is not None, "the twin's image went with the first"
    sessions.close()


@pytest.mark.docker
def test_batch_context_in_the_image(engine, make_submission):
    """COPY . copies the submission's files and its Dockerfile, never the harness's labelled copy of it."""
    sessions = batch_sessions(engine)
    submission = make_submission("hello", fixture_dockerfile())
    with open_session(sessions, submission, task_spec()) as session:
        names = {entry.path for entry in session.list_directory("/server", limit=100)}
        image = session.image()
    sessions.close()
    assert {"dockerfile-task-3-2", "app", "app/fake_uvicorn.py", "app/main.py", "pyproject.toml", "poetry.lock"} <= names
    assert not any(".dockerfile" in name or ".graders" in name or name == ".dockerignore" for name in names), names
    assert image.unlabelled_id and image.unlabelled_id != image.id
    parent = engine.inspect_image(image.unlabelled_id)
    assert "graders.run" not in (parent["Config"].get("Labels") or {}), "the build as a plain `docker build` makes it"


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
