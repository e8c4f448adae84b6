import sys
import types
from dataclasses import replace

import pytest

from graders.checks.dynamic.pushed import check
from graders.core import HarnessError
from tests.dynamic.fakes import FakeSession, assert_verdict, image, run

TASK = types.SimpleNamespace(id="task1", tag="base-image-fastapi-ubuntu-fat:test")
REGISTRY = "europe-west1-docker.pkg.dev/project/docker-hub"


@pytest.fixture
def registry(monkeypatch):
    """graders.registry_client with remote_config_digest answering from a dict (the real one is tested with it)."""
    answers: dict[str, object] = {}
    asked: list[tuple[str, object]] = []

    def remote_config_digest(reference, docker_config=None):
        asked.append((reference, docker_config))
        answer = answers.get(reference)
        if isinstance(answer, Exception):
            raise answer
        return answer

    module = types.ModuleType("graders.registry_client")
    module.remote_config_digest = remote_config_digest
    monkeypatch.setitem(sys.modules, "graders.registry_client", module)
    return types.SimpleNamespace(answers=answers, asked=asked)


def test_skipped_without_registry():
    assert_verdict(run(check, FakeSession(task=TASK)), "skipped", "no registry configured (--registry HOST/PROJECT/REPOSITORY)")


def test_pushed_and_equal(registry):
    built = image()
    registry.answers[f"{REGISTRY}/base-image-fastapi-ubuntu-fat:test"] = built.id
    assert_verdict(run(check, FakeSession(built, registry=REGISTRY, task=TASK)), "passed")
    assert registry.asked == [(f"{REGISTRY}/base-image-fastapi-ubuntu-fat:test", None)]


def test_compares_the_build_before_the_harness_label(registry):
    built = replace(image(), unlabelled_id="sha256:" + "b" * 64)
    registry.answers[f"{REGISTRY}/base-image-fastapi-ubuntu-fat:test"] = "sha256:" + "b" * 64
    assert_verdict(run(check, FakeSession(built, registry=REGISTRY, task=TASK)), "passed")


def test_other_digest(registry):
    registry.answers[f"{REGISTRY}/base-image-fastapi-ubuntu-fat:test"] = "sha256:" + "c" * 64
    verdict = run(check, FakeSession(image(), registry=REGISTRY, task=TASK))
    assert_verdict(verdict, "failed", "another image", "expected config digest sha256:aaaa", "actual: sha256:cccc")


def test_missing_tag(registry):
    verdict = run(check, FakeSession(image(), registry=REGISTRY, task=TASK))
    assert_verdict(verdict, "failed", "is not in the registry")


def test_registry_unreachable_is_a_harness_error(registry):
    registry.answers[f"{REGISTRY}/base-image-fastapi-ubuntu-fat:test"] = HarnessError("cannot reach the registry")
    with pytest.raises(HarnessError):
        check(FakeSession(image(), registry=REGISTRY, task=TASK))


def test_blocked_without_image(registry):
    assert_verdict(run(check, FakeSession(built=None, registry=REGISTRY, task=TASK)), "failed", "blocked: builds failed")


# --- against a real registry: Debian's docker-registry on 127.0.0.1 -----------------------------------------


@pytest.fixture(scope="module")
def real_registry(tmp_path_factory, engine):
    """docker-registry serving on a free 127.0.0.1 port from a temporary folder: its HOST:PORT."""
    import shutil
    import socket
    import subprocess
    import time

    import requests

    program = shutil.which("docker-registry")
    if program is None:
        pytest.skip("real-registry tests skipped: Debian's `docker-registry` is not installed "
                    "(apt-get install docker-registry)")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    folder = tmp_path_factory.mktemp("registry")
    (folder / "config.yml").write_text(
        f"version: 0.1\nlog:\n  level: warn\nstorage:\n  filesystem:\n    rootdirectory: {folder / 'data'}\n"
        f"http:\n  addr: 127.0.0.1:{port}\n"
    )
    with open(folder / "registry.log", "wb") as log:
        process = subprocess.Popen([program, "serve", str(folder / "config.yml")], stdout=log,
                                   stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 15
        while True:
            try:
                if requests.get(f"http://127.0.0.1:{port}/v2/", timeout=1).status_code == 200:
                    break
            except requests.exceptions.ConnectionError:
                pass
            assert process.poll() is None and time.monotonic() < deadline, (folder / "registry.log").read_text()
            time.sleep(0.1)
        yield f"127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(10)


def _push(engine, local: str, remote: str) -> None:
    repository, tag = remote.rsplit(":", 1)
    engine.api.tag(local, repository, tag)
    try:
        for line in engine.api.push(repository, tag=tag, stream=True, decode=True):
            assert "error" not in line, line
    finally:
        engine.remove_image(remote)


@pytest.mark.docker
def test_real_registry(real_registry, engine, make_submission):
    """Student mode: the image `make buildTask3-2` would make, pushed or not, compared with the registry's."""
    from graders.exercise import load_exercise
    from graders.run_settings import RunSettings
    from graders.session import DockerSessions, EngineLink
    from graders.session_modes import StudentMode
    from tests.dynamic.conftest import assert_result, grade, task_spec

    registry = f"{real_registry}/proj/repo"
    tag, other_tag = "graders-test-pushed:dev", "graders-test-pushed:other"
    tiny = "FROM scratch\nCOPY app/fake_uvicorn.py /server/app/fake_uvicorn.py\n"  # no base layers to upload
    repo = make_submission("pushed", tiny).path
    other = make_submission("pushed-other", tiny + "COPY dockerfile-task-3-2 /other\n").path
    exercise, settings = load_exercise(), RunSettings(registry=registry)
    sessions = DockerSessions(StudentMode.of(exercise, repo), EngineLink(engine=engine), settings)
    other_sessions = DockerSessions(StudentMode.of(exercise, other), EngineLink(engine=engine), settings)
    task = task_spec(tag=tag, checks=("builds", "pushed"))
    try:
        from graders.submission import Submission

        missing = grade(sessions, Submission("repo", repo), task)
        assert_result(missing["pushed"], "failed", f"{registry}/{tag} is not in the registry")
        _push(engine, tag, f"{registry}/{tag}")
        assert_result(grade(sessions, Submission("repo", repo), task)["pushed"], "passed", f"{registry}/{tag}")
        # another image under the tag: the student pushed something else than what they built
        grade(other_sessions, Submission("other", other), task_spec(tag=other_tag, checks=("builds",)))
        _push(engine, other_tag, f"{registry}/{tag}")
        assert_result(grade(sessions, Submission("repo", repo), task)["pushed"], "failed", "another image",
                      "expected config digest sha256:")
    finally:
        sessions.close()
        other_sessions.close()
        engine.remove_image(tag)
        engine.remove_image(other_tag)
