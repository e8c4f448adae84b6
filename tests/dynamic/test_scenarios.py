"""Fixture images on the real engine: each misbehaviour of the exercise gets the right verdict, in bounded time.

The fixtures build offline on the python:3.8.12-slim image (an offline stand-in where it cannot be pulled) around
a fake uvicorn (tests/fixtures/dynamic/fake_uvicorn.py): no pip install, so each build takes a second or two.
"""

import pytest

from tests.dynamic.conftest import BASE, assert_result, batch_sessions, fixture_dockerfile, grade, task_spec

pytestmark = pytest.mark.docker

BLOCKED = ("image-config", "serves-hello-world", "python-version", "apt-lists-empty", "no-pip-cache",
           "runs-as-non-root")


def test_exercise_like_image(sessions, make_submission):
    results = grade(sessions(), make_submission("hello", fixture_dockerfile()), task_spec())
    assert_result(results["builds"], "passed", "built graders/hello-task3-2:")
    assert_result(results["image-config"], "passed")
    assert_result(results["serves-hello-world"], "passed", "answered 200")
    assert_result(results["apt-lists-empty"], "passed")
    assert_result(results["no-pip-cache"], "passed")
    assert_result(results["runs-as-non-root"], "failed", "actual: uid 0")
    assert_result(results["pushed"], "skipped", "no registry configured")
    image = results["_image"]
    assert image is not None and image.id.startswith("sha256:") and image.size_bytes > 0 and image.layers > 1
    if image.standin_base:
        assert_result(results["python-version"], "skipped", f"offline stand-in base image for {image.standin_base}")
    assert results["_seconds"] < 60


def test_failing_build_names_the_step(sessions, make_submission):
    dockerfile = fixture_dockerfile("RUN apt-get install -y no-such-package-xyz")
    results = grade(sessions(), make_submission("broken", dockerfile), task_spec())
    build = results["builds"]
    assert_result(build, "failed", "Step 6/9 : RUN apt-get install -y no-such-package-xyz failed",
                  "returned a non-zero code: 100", "last lines of the build log:", "no-such-package-xyz")
    assert build.line == 6
    assert "Running in" not in build.message and "Step 6/10" not in build.message, "noise and the harness's LABEL"
    for check_id in BLOCKED:
        assert_result(results[check_id], "failed", "blocked: builds failed")
    assert_result(results["pushed"], "skipped")
    assert results["_image"] is None
    assert results["_seconds"] < 60


def test_build_timeout(sessions, make_submission, engine):
    dockerfile = fixture_dockerfile("RUN sleep 120")
    results = grade(sessions(build_timeout=3.0), make_submission("sleepy", dockerfile), task_spec())
    assert_result(results["builds"], "failed", "Step 6/9 : RUN sleep 120: still running",
                  "did not finish within 3 s")
    assert results["_seconds"] < 20


def test_shell_form_entrypoint(sessions, make_submission):
    dockerfile = fixture_dockerfile(entrypoint="uvicorn")
    results = grade(sessions(), make_submission("shell-form", dockerfile), task_spec())
    assert_result(results["image-config"], "failed", "shell form")
    assert_result(results["serves-hello-world"], "failed", "the container stopped", "exit code 2",
                  "Missing argument 'APP'", "ENTRYPOINT is in shell form")
    assert results["_seconds"] < 30


def test_listening_on_loopback(sessions, make_submission):
    cmd = '["app.main:app", "--host", "127.0.0.1", "--port", "8000"]'
    results = grade(sessions(run_timeout=4.0), make_submission("loopback", fixture_dockerfile(cmd=cmd)), task_spec())
    assert_result(results["image-config"], "failed", "--host 0.0.0.0")
    assert_result(results["serves-hello-world"], "failed", "no answer on port 8000 within 4 s",
                  "container state: running", "Uvicorn running on http://127.0.0.1:8000",
                  "listens on 127.0.0.1:8000 inside the container", "--host 0.0.0.0")
    assert results["_seconds"] < 30


def test_another_port(sessions, make_submission):
    cmd = '["app.main:app", "--host", "0.0.0.0", "--port", "8080"]'
    results = grade(sessions(run_timeout=4.0), make_submission("port-8080", fixture_dockerfile(cmd=cmd)), task_spec())
    assert_result(results["serves-hello-world"], "failed", "listens on port 8080, not 8000")
    assert results["_seconds"] < 30


def test_container_exits_at_once(sessions, make_submission):
    dockerfile = fixture_dockerfile("ENV FAKE_MODE=crash")
    results = grade(sessions(run_timeout=60.0), make_submission("crash", dockerfile), task_spec())
    result = results["serves-hello-world"]
    assert_result(result, "failed", "the container stopped", "container state: exited, exit code 3",
                  'Could not import module "app.main"')
    assert results["_seconds"] < 20, "an exited container ends the wait at once, not at the 60 s deadline"


def test_slow_start_is_waited_for(sessions, make_submission):
    dockerfile = fixture_dockerfile("ENV FAKE_DELAY=10")
    results = grade(sessions(run_timeout=60.0), make_submission("slow", dockerfile),
                    task_spec(checks=("builds", "serves-hello-world")))
    result = results["serves-hello-world"]
    assert_result(result, "passed", "answered 200")
    seconds = float(result.message.split("Hello World` ")[1].split(" s ")[0])
    assert 10 <= seconds < 12, "readiness is polled, not slept"
    assert results["_seconds"] < 40


def test_accepts_but_never_answers(sessions, make_submission):
    dockerfile = fixture_dockerfile("ENV FAKE_MODE=silent")
    results = grade(sessions(run_timeout=5.0), make_submission("silent", dockerfile),
                    task_spec(checks=("builds", "serves-hello-world")))
    assert_result(results["serves-hello-world"], "failed", "no answer on port 8000 within 5 s",
                  "no answer came within 2 s", "listens on 0.0.0.0:8000 but did not answer")
    assert results["_seconds"] < 30


@pytest.mark.parametrize(("mode", "status", "says"), [
    ("big", "failed", "the first 64 KiB does not contain `Hello World`"),
    ("big-hello", "passed", "answered 200"),
])
def test_body_of_30_mb(sessions, make_submission, mode, status, says):
    dockerfile = fixture_dockerfile(f"ENV FAKE_MODE={mode}")
    results = grade(sessions(), make_submission(mode, dockerfile), task_spec(checks=("builds", "serves-hello-world")))
    assert_result(results["serves-hello-world"], status, says)
    assert results["_seconds"] < 30


def test_apt_lists_and_pip_cache_left_in_the_image(sessions, make_submission):
    dockerfile = fixture_dockerfile("""
        RUN mkdir -p /root/.cache/pip/http/a && echo x > /root/.cache/pip/http/a/entry \\
            && mkdir -p /var/lib/apt/lists/partial && touch /var/lib/apt/lists/lock \\
            && echo x > /var/lib/apt/lists/deb.debian.org_debian_dists_bookworm_InRelease
    """)
    results = grade(sessions(), make_submission("caches", dockerfile),
                    task_spec(checks=("builds", "apt-lists-empty", "no-pip-cache")))
    assert_result(results["apt-lists-empty"], "failed", "deb.debian.org_debian_dists_bookworm_InRelease")
    assert_result(results["no-pip-cache"], "failed", "/root/.cache/pip is not empty", "http")


def test_python_version_of_a_real_base(sessions, make_submission):
    dockerfile = fixture_dockerfile("""
        LABEL graders.standin=""
        RUN printf '#!/bin/sh\\necho Python 3.8.12\\n' > /usr/local/bin/python3.8 \\
            && printf '#!/bin/sh\\necho Python 3.11.2\\n' > /usr/local/bin/python3.11 \\
            && chmod +x /usr/local/bin/python3.8 /usr/local/bin/python3.11
    """)
    submission = make_submission("versions", dockerfile)
    pass_task = task_spec(checks=("builds", "python-version"), parameters={"python-version": {"executable": "python3.8"}})
    fail_task = task_spec(checks=("builds", "python-version"), parameters={"python-version": {"executable": "python3.11"}})
    assert_result(grade(sessions(), submission, pass_task)["python-version"], "passed", "Python 3.8.12")
    assert_result(grade(sessions(), submission, fail_task)["python-version"], "failed", "actual: Python 3.11.2")
    missing = task_spec(checks=("builds", "python-version"), parameters={"python-version": {"executable": "python9"}})
    assert_result(grade(sessions(), submission, missing)["python-version"], "failed", "does not run in the image")


@pytest.mark.parametrize("mode", ["hello", "crash"], ids=["running", "exited"])
def test_non_root_user(sessions, make_submission, mode):
    dockerfile = fixture_dockerfile(f"ENV FAKE_MODE={mode}\nRUN useradd --uid 10000 runner\nUSER 10000")
    results = grade(sessions(), make_submission(f"nonroot-{mode}", dockerfile),
                    task_spec("nonroot", checks=("builds", "serves-hello-world", "runs-as-non-root")))
    assert_result(results["runs-as-non-root"], "passed", "runs as uid 10000 and cannot write to /")


def test_smaller_than_previous(sessions, make_submission):
    fat = make_submission("sizes", fixture_dockerfile("RUN head -c 5000000 /dev/urandom > /fat"), "dockerfile-task-3-1")
    slim = make_submission("sizes", fixture_dockerfile(), "dockerfile-task-3-2")
    checks = ("builds", "smaller-than-previous")
    run = sessions()
    first = grade(run, fat, task_spec("task3-1", name="dockerfile-task-3-1", checks=checks,
                                      parameters={"smaller-than-previous": {"than": "task3-2"}}))
    assert_result(first["smaller-than-previous"], "skipped", "task3-2's image was not built in this run")
    second = grade(run, slim, task_spec("task3-2", checks=checks, parameters={"smaller-than-previous": {"than": "task3-1"}}))
    assert_result(second["smaller-than-previous"], "passed", "smaller than task3-1's")
    again = grade(run, fat, task_spec("task3-1", name="dockerfile-task-3-1", checks=checks,
                                      parameters={"smaller-than-previous": {"than": "task3-2"}}))
    assert_result(again["smaller-than-previous"], "failed", "expected an image smaller than task3-2's")


def test_failure_on_the_ubuntu_stand_in_is_the_machines(sessions, make_submission, engine):
    """task1/task2 build on ubuntu:20.04; its offline stand-in is Debian: a failed build there is an error."""
    labels = ((engine.inspect_image("ubuntu:20.04") or {}).get("Config") or {}).get("Labels") or {}
    if labels.get("graders.standin") != "ubuntu:20.04":
        pytest.skip("ubuntu:20.04 is not an offline stand-in here")
    dockerfile = "FROM ubuntu:20.04\nRUN add-apt-repository -y ppa:deadsnakes/ppa\n"
    results = grade(sessions(), make_submission("ubuntu", dockerfile, "dockerfile-task-2"),
                    task_spec("task2", name="dockerfile-task-2", checks=("builds", "serves-hello-world")))
    assert_result(results["builds"], "error", "the build failed on the offline stand-in for ubuntu:20.04",
                  "Step 2/2 : RUN add-apt-repository")
    assert_result(results["serves-hello-world"], "error", "blocked: the build ended in an error (see `builds`)")
    assert results["builds"].settled and results["serves-hello-world"].settled, "--resume would only repeat them"


def test_container_that_cannot_start(sessions, make_submission):
    dockerfile = fixture_dockerfile(entrypoint='["no-such-server"]')
    results = grade(sessions(), make_submission("no-server", dockerfile), task_spec(checks=("builds", "serves-hello-world")))
    assert_result(results["serves-hello-world"], "failed", "the container could not start", "no-such-server")
    assert results["_seconds"] < 30


def test_dockerfile_the_builder_cannot_parse(sessions, make_submission):
    dockerfile = "FROM python:3.8.12-slim\nRUNN echo typo\n"
    results = grade(sessions(), make_submission("parse-error", dockerfile), task_spec(checks=("builds", "image-config")))
    assert_result(results["builds"], "failed", "the build failed before its first step", "unknown instruction")
    assert results["builds"].line == 2
    assert_result(results["image-config"], "failed", "blocked: builds failed")


def test_offline_machine_never_pulls_a_missing_base_image(make_submission):
    """With offline stand-ins Docker Hub is out of reach: a base image the machine lacks is not pulled but reported."""
    sessions = batch_sessions()
    try:
        if not sessions.standins.in_use:
            pytest.skip("this engine pulls real base images (no offline stand-ins)")
        submission = make_submission("no-such-base", "FROM graders-no-such-image:1\nCMD [\"true\"]\n")
        result = grade(sessions, submission, task_spec(checks=("builds", "image-config")))
    finally:
        sessions.close()
    assert_result(result["builds"], "error", "`graders-no-such-image:1` is not on this machine", "does not try")
    assert_result(result["image-config"], "error", "blocked: the build ended in an error (see `builds`)")
    assert result["builds"].settled and result["image-config"].settled, "--resume would only repeat them"
    assert result["_seconds"] < 10


def test_offline_machine_never_pulls_an_image_copied_from(make_submission):
    """COPY --from an image pulls it as FROM does; COPY --from a stage of the file (by name or index) does not."""
    sessions = batch_sessions()
    try:
        if not sessions.standins.in_use:
            pytest.skip("this engine pulls real base images (no offline stand-ins)")
        stages = f"FROM {BASE} AS build\nRUN echo hi > /x\nFROM {BASE}\nCOPY --from=build /x /x\nCOPY --from=0 /x /y\n"
        own = grade(sessions, make_submission("copy-from-stage", stages + "CMD [\"true\"]\n"),
                    task_spec(checks=("builds",)))
        missing = grade(sessions, make_submission("copy-from-image", stages + "ARG IMAGE=graders-no-such-image:2\n"
                                                  "COPY --from=${IMAGE} /x /z\n"), task_spec(checks=("builds",)))
    finally:
        sessions.close()
    assert_result(own["builds"], "passed")
    assert_result(missing["builds"], "error", "`graders-no-such-image:2` is not on this machine", "does not try")


def test_a_dockerfile_that_needs_buildkit_is_the_machines_error(sessions, make_submission, engine):
    """This engine builds through the API's classic builder: heredocs and RUN --mount are BuildKit's."""
    dockerfile = fixture_dockerfile(extra="""
        RUN <<EOF
        echo built with a heredoc
        EOF
        RUN --mount=type=cache,target=/root/.cache true
        """)
    results = grade(sessions(), make_submission("buildkit", dockerfile), task_spec(checks=("builds", "image-config")))
    assert_result(results["builds"], "error", "this grader's engine builds with Docker's classic builder, which has "
                  "no heredocs (line 6), RUN --mount (line 9): the file needs BuildKit")
    assert results["builds"].settled and results["image-config"].settled, "--resume would only repeat them"


def test_heredocs_beside_a_typo_fail_as_every_builder_would(sessions, make_submission):
    dockerfile = fixture_dockerfile(extra="RUN <<EOF\necho hi\nEOF\nRUNN echo typo")
    results = grade(sessions(), make_submission("buildkit-typo", dockerfile), task_spec(checks=("builds",)))
    assert_result(results["builds"], "failed", "line 9: unknown instruction `RUNN`: no builder reads the file")
    assert results["builds"].line == 9
