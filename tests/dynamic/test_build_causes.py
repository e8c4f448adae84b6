"""Build failures explained, on the real engine: each common cause of graders/build_causes.toml from a Dockerfile that
really fails that way here, graded through the harness, with the verdict a student reads.

The builds are small: the python:3.11-slim stand-in (Debian's python 3.11, pip reaching PyPI), each slow install in
a RUN of its own so that it is cached after the first run. Nothing reaches out of the machine but PyPI and Debian's
archive: the unreachable hosts are this container's own loopback (`127.0.0.1:9`, connection refused) and a name
under `.invalid`, which never resolves. The logs of these builds, trimmed, are the fixtures of the unit test
(tests/fixtures/build_logs/, tests/test_build_causes.py), which checks the patterns without Docker.
"""

from __future__ import annotations

import pytest

from graders.core import Status
from tests.dynamic.conftest import ROOT, assert_result, grade, task_spec

pytestmark = pytest.mark.docker

SLIM = "python:3.11-slim"
LOCK_2023 = ROOT / "exercises" / "docker-fundamentals-2023" / "poetry.lock"  # lock-version 2.1, by Poetry 2.5
PYPROJECT_2022 = ROOT / "exercises" / "docker-fundamentals-2022" / "pyproject.toml"  # no package-mode
PYPROJECT_2023 = ROOT / "exercises" / "docker-fundamentals-2023" / "pyproject.toml"
TAIL = """EXPOSE 8000
ENTRYPOINT ["poetry", "run"]
CMD ["uvicorn", "app.main:app", "--host", "0.0.0.0", "--port", "8000"]
"""

# name -> (Dockerfile, the submission's own files: name -> text); `{debian}` is a Debian 12 image (see below)
CASES: dict[str, tuple[str, dict[str, str]]] = {
    "poetry-no-dev": (f"""FROM {SLIM}
RUN pip install --no-cache-dir poetry
WORKDIR /server
COPY . /server
RUN poetry config virtualenvs.create false && poetry install --no-dev
{TAIL}""", {}),
    "poetry-lock-version": (f"""FROM {SLIM}
RUN pip install --no-cache-dir poetry==1.1.15
WORKDIR /server
COPY . /server
RUN poetry config virtualenvs.create false && poetry install --no-dev
{TAIL}""", {"poetry.lock": LOCK_2023.read_text(), "pyproject.toml": PYPROJECT_2022.read_text()}),
    "poetry-lock-stale": (f"""FROM {SLIM}
RUN pip install --no-cache-dir poetry
WORKDIR /server
COPY . /server
RUN poetry config virtualenvs.create false && poetry install --only main
{TAIL}""", {"poetry.lock": LOCK_2023.read_text(),
            "pyproject.toml": PYPROJECT_2023.read_text().replace('extras = ["standard"]}\n',
                                                                 'extras = ["standard"]}\nrequests = "2.31.0"\n')}),
    "poetry-package-mode": (f"""FROM {SLIM}
RUN pip install --no-cache-dir poetry==1.1.15
WORKDIR /server
COPY . /server
RUN poetry config virtualenvs.create false && poetry install --no-dev
{TAIL}""", {"poetry.lock": LOCK_2023.read_text(), "pyproject.toml": PYPROJECT_2023.read_text()}),
    "apt-without-update": (f"""FROM {SLIM}
WORKDIR /server
COPY . /server
RUN apt-get install -y --no-install-recommends curl
{TAIL}""", {}),
    "poetry-not-on-path": (f"""FROM {SLIM}
RUN useradd -m -u 10000 runner
USER runner
RUN pip install --user --no-cache-dir poetry
WORKDIR /home/runner/server
COPY --chown=runner . .
RUN poetry config virtualenvs.create false && poetry install --only main
{TAIL}""", {}),
    "pip-externally-managed": ("""FROM {debian}
ARG DEBIAN_FRONTEND=noninteractive
RUN apt-get update
RUN apt-get install -y --no-install-recommends python3-pip
RUN pip3 install --no-cache-dir fastapi==0.78.0
""", {}),
    "pip-index-refused": (f"""FROM {SLIM}
WORKDIR /server
COPY . /server
RUN pip install --no-cache-dir --retries 1 --timeout 5 --index-url http://127.0.0.1:9/simple fastapi==0.78.0
{TAIL}""", {}),
    "apt-source-unresolvable": (f"""FROM {SLIM}
RUN rm -f /etc/apt/sources.list.d/* \\
 && echo "deb http://deadsnakes.invalid/ubuntu focal main" > /etc/apt/sources.list \\
 && apt-get update && apt-get install -y --no-install-recommends curl
""", {}),
}


@pytest.fixture(autouse=True)
def slim_base(engine):
    if engine.inspect_image(SLIM) is None:
        pytest.skip(f"{SLIM} is missing: `make offline-bases` makes its offline stand-in where it cannot be pulled")


@pytest.fixture
def debian(engine) -> str:
    """A Debian 12 image, as a student's `FROM debian:bookworm` (or Ubuntu 24.04) would be: on an offline machine the
    stand-ins' own Debian image (the ubuntu:20.04 stand-in is made from it, but a build that fails on that stand-in
    is the machine's Inconclusive error, test_externally_managed_on_the_ubuntu_standin), else debian:bookworm."""
    labels = ((engine.inspect_image("ubuntu:20.04") or {}).get("Config") or {}).get("Labels") or {}
    recipe = engine.inspect_image(labels.get("graders.standin.recipe-image", "")) if labels else None
    if recipe and recipe.get("RepoTags"):
        return recipe["RepoTags"][0]
    if engine.inspect_image("debian:bookworm") is not None:
        return "debian:bookworm"
    pytest.skip("no Debian 12 image here (neither the offline stand-ins' nor debian:bookworm)")


def build(sessions, make_submission, name: str, **formats):
    dockerfile, files = CASES[name]
    submission = make_submission(name, dockerfile.format(**formats) if formats else dockerfile)
    for file, text in files.items():
        (submission.path / file).write_text(text)
    return grade(sessions(), submission, task_spec(checks=("builds",)))


def assert_named_once(result) -> None:
    __tracebackhide__ = True
    assert result.message.count("\ncause") == 1 and result.message.count("\nfix: ") == 1, result.message


def test_poetry_2_has_no_no_dev(sessions, make_submission):
    results = build(sessions, make_submission, "poetry-no-dev")
    assert_result(results["builds"], "failed", 'The option "--no-dev" does not exist',
                  "cause: `pip install poetry` installs Poetry 2, which removed `poetry install --no-dev`",
                  "fix: write `poetry install --only main`", 'pin a Poetry that still has `--no-dev`')
    assert results["builds"].line == 5
    assert_named_once(results["builds"])
    assert results["_seconds"] < 120


def test_a_lock_written_by_a_newer_poetry(sessions, make_submission):
    results = build(sessions, make_submission, "poetry-lock-version")
    assert_result(results["builds"], "failed", "The lock file is not compatible with the current version of Poetry",
                  "cause: the poetry.lock does not fit the Poetry this image installs: another Poetry wrote it",
                  "fix: install the Poetry that wrote the lock", "(`poetry lock`)")
    assert results["_seconds"] < 120


def test_a_lock_of_another_pyproject(sessions, make_submission):
    results = build(sessions, make_submission, "poetry-lock-stale")
    assert_result(results["builds"], "failed", "pyproject.toml changed significantly since poetry.lock",
                  "cause: the poetry.lock does not fit the Poetry this image installs", "(`poetry lock`)")
    assert results["_seconds"] < 120


def test_a_pyproject_for_a_newer_poetry(sessions, make_submission):
    results = build(sessions, make_submission, "poetry-package-mode")
    assert_result(results["builds"], "failed",
                  "cause: the Poetry this image installs does not know the setting `package-mode` of pyproject.toml",
                  'fix: install the Poetry the project is written for (`pip install "poetry>=2"`')
    assert results["_seconds"] < 120


def test_apt_install_without_update(sessions, make_submission):
    results = build(sessions, make_submission, "apt-without-update")
    assert_result(results["builds"], "failed", "E: Unable to locate package curl",
                  "cause: apt has no package lists: no `apt-get update` ran before this `apt-get install`",
                  "not even `curl`", "fix: run `apt-get update` in the same RUN, right before the install")
    assert results["builds"].line == 4
    assert results["_seconds"] < 60


def test_user_install_without_path(sessions, make_submission):
    results = build(sessions, make_submission, "poetry-not-on-path")
    assert_result(results["builds"], "failed", "returned a non-zero code: 127", "poetry: not found",
                  "cause: the shell finds no `poetry` command (exit code 127)", "~/.local/bin, which is not on PATH",
                  "fix: put that folder on PATH before the step that runs it (`ENV PATH=/home/<user>/.local/bin:$PATH`)",
                  "or install `poetry` as root, before `USER`")
    assert results["_seconds"] < 120


def test_pip_into_debians_python(sessions, make_submission, debian):
    results = build(sessions, make_submission, "pip-externally-managed", debian=debian)
    assert_result(results["builds"], "failed", "error: externally-managed-environment",
                  "cause: pip refuses to install into the distribution's own Python (PEP 668)",
                  "fix: use a python base image", "`python3 -m venv /venv`", "`--break-system-packages`")
    assert results["_seconds"] < 180


def test_externally_managed_on_the_ubuntu_standin(sessions, make_submission, engine):
    """On the ubuntu:20.04 stand-in (Debian 12) the same Dockerfile fails so, where the real ubuntu:20.04 (Python
    3.8, no PEP 668) builds it: the session's Inconclusive error stays, with no cause made up for the student."""
    labels = ((engine.inspect_image("ubuntu:20.04") or {}).get("Config") or {}).get("Labels") or {}
    if not labels.get("graders.standin"):
        pytest.skip("ubuntu:20.04 is the real image here, not an offline stand-in")
    results = build(sessions, make_submission, "pip-externally-managed", debian="ubuntu:20.04")
    verdict = results["builds"]
    assert_result(verdict, "error", "the build failed on the offline stand-in for ubuntu:20.04",
                  "error: externally-managed-environment")
    assert verdict.settled and "\ncause" not in verdict.message
    assert results["_seconds"] < 180


def test_a_package_index_out_of_reach_is_the_machines(sessions, make_submission):
    results = build(sessions, make_submission, "pip-index-refused")
    verdict = results["builds"]
    assert_result(verdict, "error", "No matching distribution found for fastapi==0.78.0",
                  "cause (the machine's, not the Dockerfile's): a step of the build could not reach a server",
                  "Failed to establish a new connection", "fix: nothing to change in the Dockerfile")
    assert not verdict.settled, "--resume grades it again"
    assert results["_seconds"] < 60


def test_a_ppa_that_does_not_resolve_is_the_machines(sessions, make_submission):
    """apt then cannot find the package either: the first cause in the log, the unreachable source, is named."""
    results = build(sessions, make_submission, "apt-source-unresolvable")
    verdict = results["builds"]
    assert_result(verdict, "error", "E: Unable to locate package curl",
                  "cause (the machine's, not the Dockerfile's): a step of the build could not reach a server "
                  "it downloads from (`Could not resolve 'deadsnakes.invalid'`)")
    assert_named_once(verdict)
    assert results["_seconds"] < 60


def test_uvicorn_outside_the_workdir(sessions, make_submission):
    """A runtime failure, the probe's: the app copied to /server while uvicorn runs in /srv."""
    dockerfile = f"""FROM {SLIM}
RUN pip install --no-cache-dir fastapi uvicorn
WORKDIR /srv
COPY . /server
EXPOSE 8000
ENTRYPOINT ["uvicorn"]
CMD ["app.main:app", "--host", "0.0.0.0", "--port", "8000"]
"""
    submission = make_submission("uvicorn-elsewhere", dockerfile)
    results = grade(sessions(), submission, task_spec(checks=("builds", "serves-hello-world")))
    assert results["builds"].status is Status.PASSED
    assert_result(results["serves-hello-world"], "failed", "the container stopped", "No module named 'app'",
                  "cause: the server process ended (exit code 1) before it answered: WORKDIR or COPY put the app "
                  "elsewhere: uvicorn runs in the WORKDIR (/srv) and imports `app.main` from there, so "
                  "/srv/app/main.py must exist")
    assert results["_seconds"] < 120
