import pytest

from graders.checks.static.cmd import check
from tests.checks.helpers import assert_fails, assert_passes

UVICORN = 'FROM ubuntu:20.04\nENTRYPOINT ["uvicorn"]\n'
POETRY = 'FROM python:3.8.12\nENTRYPOINT ["poetry", "run"]\n'
EXERCISE = {"app": "app.main:app", "host": "0.0.0.0", "port": 8000}
TASK3 = {"program": "uvicorn"}


@pytest.mark.parametrize(
    ("dockerfile", "parameters"),
    [
        (UVICORN + 'CMD ["app.main:app", "--host", "0.0.0.0", "--port", "8000"]\n', {}),
        (UVICORN + 'CMD ["app.main:app", "--port", "8000", "--host", "0.0.0.0"]\n', {}),
        (UVICORN + 'CMD ["--host=0.0.0.0", "--port=8000", "app.main:app"]\n', {}),
        (UVICORN + 'CMD ["app.main:app", "--reload", "--workers", "2", "--host", "0.0.0.0", "--port", "8000"]\n', {}),
        ('from ubuntu:20.04\r\nentrypoint ["uvicorn"]\r\ncmd ["app.main:app", \\\r\n'
         '    # listen everywhere\r\n    "--host", "0.0.0.0", "--port", "8000"]\r\n', {}),
        (POETRY + 'CMD ["uvicorn", "app.main:app", "--host", "0.0.0.0", "--port", "8000"]\n', TASK3),
        (POETRY + 'CMD ["uvicorn", "app.main:app", "--host", "0.0.0.0", "--port", "8000"]\n', {}),
        (POETRY + 'CMD ["python", "-m", "uvicorn", "app.main:app", "--host", "0.0.0.0", "--port", "8000"]\n', {}),
        ('FROM python:3.8.12-slim AS base\nENTRYPOINT ["uvicorn"]\n'
         'CMD ["app.main:app", "--host", "0.0.0.0", "--port", "8000"]\nFROM base\nUSER 10000\n', {}),
        ('FROM ubuntu:20.04\nCMD ["uvicorn", "app.main:app", "--host", "0.0.0.0", "--port", "8000"]\n', {}),
    ],
    ids=["task1", "options-swapped", "equals-spelling-app-last", "reload-and-workers", "lowercase-multiline-crlf",
         "task3-poetry-run", "nonroot-poetry-run", "poetry-run-python-m-uvicorn", "inherited-from-stage",
         "no-entrypoint-reported-elsewhere"],
)
def test_passes(dockerfile, parameters):
    assert_passes(check, dockerfile, **EXERCISE, **parameters)


@pytest.mark.parametrize(
    ("dockerfile", "parameters", "line", "says"),
    [
        (UVICORN, {}, None, 'no CMD; add `CMD ["app.main:app", "--host", "0.0.0.0", "--port", "8000"]`'),
        (UVICORN + "CMD app.main:app --host 0.0.0.0 --port 8000\n", {}, 3,
         'uvicorn would receive `/bin/sh -c "app.main:app --host 0.0.0.0 --port 8000"` as its arguments'),
        ("FROM ubuntu:20.04\nCMD uvicorn app.main:app --host 0.0.0.0 --port 8000\n", {}, 2,
         "is shell form; write the exec form"),
        (UVICORN + 'CMD ["app.main:app", "--host", "0.0.0.0", "--port", 8000]\n', {}, 3, "is not valid JSON"),
        (UVICORN + 'CMD ["app.main:app", "--host", "127.0.0.1", "--port", "8000"]\n', {}, 3,
         "with `--host 127.0.0.1` in `CMD"),
        (UVICORN + 'CMD ["app.main:app", "--host", "localhost", "--port", "8000"]\n', {}, 3,
         "unreachable from outside the container"),
        (UVICORN + 'CMD ["app.main:app", "--port", "8000"]\n', {}, 3, "without `--host`"),
        (UVICORN + 'CMD ["app.main:app", "--host", "0.0.0.0", "--port", "80"]\n', {}, 3,
         "listen on port 80, not 8000"),
        (UVICORN + 'CMD ["app.main:app", "--host", "0.0.0.0"]\n', {}, 3, "there is no `--port 8000`"),
        (UVICORN + 'CMD ["--host", "0.0.0.0", "--port", "8000"]\n', {}, 3, "does not run the app `app.main:app`"),
        (UVICORN + 'CMD ["main:app", "--host", "0.0.0.0", "--port", "8000"]\n', {}, 3, "does not run the app"),
        (UVICORN + 'CMD ["uvicorn", "app.main:app", "--host", "0.0.0.0", "--port", "8000"]\n', {}, 3,
         "extra argument `uvicorn`; ENTRYPOINT already runs uvicorn"),
        (POETRY + 'CMD ["app.main:app", "--host", "0.0.0.0", "--port", "8000"]\n', TASK3, 3,
         'must start with `uvicorn`; write `CMD ["uvicorn", "app.main:app"'),
        (POETRY + 'CMD ["app.main:app", "--host", "0.0.0.0", "--port", "8000"]\n', {}, 3,
         "the container runs `poetry run app.main:app --host 0.0.0.0 --port 8000` (ENTRYPOINT + CMD)"),
        ('FROM python:3.8.12 AS base\nCMD ["uvicorn", "app.main:app", "--host", "0.0.0.0", "--port", "8000"]\n'
         'FROM base\nENTRYPOINT ["poetry", "run"]\n', {}, 4, "resets the CMD inherited from an earlier stage"),
        ('FROM ubuntu:20.04 AS build\nCMD ["app.main:app", "--host", "0.0.0.0", "--port", "8000"]\n'
         'FROM ubuntu:20.04\nENTRYPOINT ["uvicorn"]\n', {}, None, "no CMD"),
    ],
    ids=["missing", "shell-form-under-exec-entrypoint", "shell-form", "invalid-json", "localhost-ip",
         "localhost-name", "no-host", "other-port", "no-port", "no-app", "other-app", "uvicorn-twice",
         "task3-without-uvicorn", "poetry-run-without-uvicorn", "entrypoint-resets-inherited-cmd",
         "earlier-stage-only"],
)
def test_fails(dockerfile, parameters, line, says):
    assert_fails(check, dockerfile, line=line, says=says, **EXERCISE, **parameters)


def test_reads_the_app_host_and_port_from_its_parameters():
    dockerfile = UVICORN + 'CMD ["shop.api:app", "--host", "::", "--port", "5000"]\n'
    assert_passes(check, dockerfile, app="shop.api:app", host="::", port=5000)
    assert_fails(check, dockerfile, line=3, says='write `CMD ["app.main:app", "--host", "::", "--port", "5000"]`',
                 app="app.main:app", host="::", port=5000)
