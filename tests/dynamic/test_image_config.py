import pytest

from graders.checks.dynamic.image_config import check
from tests.dynamic.fakes import FakeSession, assert_verdict, image, run

EXERCISE = {"workdir": "/server", "entrypoint": (("uvicorn",),), "port": 8000, "app": "app.main:app",
            "host": "0.0.0.0", "env": {"PYTHONUNBUFFERED": "1"}, "build_only_env": ("DEBIAN_FRONTEND",)}
POETRY = {"entrypoint": (("poetry", "run"),), "program": "uvicorn"}
GUNICORN = {"workdir": "/srv", "entrypoint": (("gunicorn",),), "port": 5000, "app": "", "env": {}}
GUNICORN_IMAGE = {"WorkingDir": "/srv", "Entrypoint": ["gunicorn"], "Cmd": ["--bind", "0.0.0.0:5000", "web:app"],
                  "ExposedPorts": {"5000/tcp": {}}}


@pytest.mark.parametrize(
    ("changes", "parameters"),
    [
        ({}, {}),
        ({"WorkingDir": "/server/"}, {}),
        ({"Cmd": ["app.main:app", "--port", "8000", "--host=0.0.0.0"]}, {}),
        ({"ExposedPorts": {"8000/tcp": {}, "9000/tcp": {}}}, {}),
        ({"Entrypoint": ["poetry", "run"], "Cmd": ["uvicorn", "app.main:app", "--host", "0.0.0.0", "--port", "8000"]},
         POETRY),
        ({"Env": ["PATH=/bin"], "WorkingDir": "/home/runner/server"},
         {"workdir": "/home/runner/server", "env": {}, "entrypoint": (("uvicorn",), ("poetry", "run"))}),
        ({"Env": ["PYTHONUNBUFFERED=1", "LANG=C.UTF-8"]}, {"env": {"PYTHONUNBUFFERED": "1", "LANG": "C.UTF-8"}}),
        ({"Env": ["DEBIAN_FRONTEND=noninteractive"]}, {"env": {}, "build_only_env": ()}),
        (GUNICORN_IMAGE, GUNICORN),
    ],
    ids=["exercise", "trailing-slash", "option-order", "extra-port", "poetry-run", "nonroot", "several-variables",
         "nothing-build-only", "gunicorn-cmd-not-read"],
)
def test_passes(changes, parameters):
    assert_verdict(run(check, FakeSession(image(**changes)), **{**EXERCISE, **parameters}), "passed")


@pytest.mark.parametrize(
    ("changes", "parameters", "says"),
    [
        ({"Env": ["PATH=/bin"]}, {}, "expected PYTHONUNBUFFERED=1, actual: not set"),
        ({"Env": ["PYTHONUNBUFFERED=1", "DEBIAN_FRONTEND=noninteractive"]}, {}, "DEBIAN_FRONTEND=noninteractive"),
        ({"ExposedPorts": None}, {}, "ExposedPorts: expected 8000/tcp, actual: none"),
        ({"WorkingDir": ""}, {}, "WorkingDir: expected /server, actual: not set"),
        ({"Entrypoint": ["/bin/sh", "-c", "uvicorn app.main:app"]}, {}, "shell form"),
        ({"Entrypoint": None}, {}, 'Entrypoint: expected ["uvicorn"], actual: none'),
        ({"Cmd": ["app.main:app", "--host", "127.0.0.1", "--port", "8000"]}, {}, "--host 0.0.0.0"),
        ({"Cmd": ["app.main:app", "--host", "0.0.0.0", "--port", "8080"]}, {}, "--port 8000"),
        ({"Cmd": ["/bin/sh", "-c", "app.main:app --host 0.0.0.0 --port 8000"]}, {}, "Cmd is in shell form"),
        ({"Entrypoint": ["poetry", "run"]}, POETRY, "must start with uvicorn"),
        ({"Entrypoint": ["poetry", "run"], "Cmd": ["uvicorn", "app.main:app"]}, POETRY, "--host 0.0.0.0"),
        ({"Env": ["PYTHONUNBUFFERED=1"]}, {"env": {"PYTHONUNBUFFERED": "1", "LANG": "C.UTF-8"}},
         "Env: expected LANG=C.UTF-8, actual: not set"),
        ({"Env": ["PYTHONUNBUFFERED=0"]}, {}, "Env: expected PYTHONUNBUFFERED=1, actual: PYTHONUNBUFFERED=0"),
        ({**GUNICORN_IMAGE, "Entrypoint": ["uvicorn"]}, GUNICORN,
         'Entrypoint: expected ["gunicorn"], actual: ["uvicorn"]'),
        ({**GUNICORN_IMAGE, "ExposedPorts": {"8000/tcp": {}}}, GUNICORN, "ExposedPorts: expected 5000/tcp"),
    ],
    ids=["no-unbuffered", "debian-frontend-env", "no-expose", "no-workdir", "shell-entrypoint", "no-entrypoint",
         "loopback-host", "other-port", "shell-cmd", "poetry-without-uvicorn", "poetry-missing-options",
         "another-variable-missing", "other-value", "gunicorn-other-entrypoint", "gunicorn-other-port"],
)
def test_fails(changes, parameters, says):
    assert_verdict(run(check, FakeSession(image(**changes)), **{**EXERCISE, **parameters}), "failed", says)


def test_reports_every_difference():
    verdict = run(check, FakeSession(image(Env=[], WorkingDir="/app")), **EXERCISE)
    assert_verdict(verdict, "failed", "PYTHONUNBUFFERED", "WorkingDir: expected /server, actual: /app")


def test_blocked_without_image():
    assert_verdict(run(check, FakeSession(built=None), **EXERCISE), "failed", "blocked: builds failed")
