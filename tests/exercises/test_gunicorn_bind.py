"""The flask-gunicorn exercise's own check: gunicorn serves the app on 0.0.0.0:5000, as gunicorn reads its arguments."""

from pathlib import Path

import pytest

from graders.checks.base import module_check
from graders.exercise import load_exercise
from tests.checks.helpers import assert_fails, assert_passes

EXERCISE = Path(__file__).resolve().parents[2] / "exercises" / "flask-gunicorn"
check = module_check(EXERCISE / "checks" / "gunicorn_bind.py")
PARAMETERS = {"app": "web.app:app", "bind": "0.0.0.0:5000"}
FROM = "FROM python:3.11-slim\n"
GUNICORN = FROM + 'ENTRYPOINT ["gunicorn"]\n'
WANTED_CMD = '`CMD ["--bind", "0.0.0.0:5000", "web.app:app"]`'


@pytest.mark.parametrize(
    "dockerfile",
    [
        GUNICORN + 'CMD ["--bind", "0.0.0.0:5000", "web.app:app"]\n',
        GUNICORN + 'CMD ["web.app:app", "--bind", "0.0.0.0:5000"]\n',
        GUNICORN + 'CMD ["-b", "0.0.0.0:5000", "web.app:app"]\n',
        GUNICORN + 'CMD ["--bind=0.0.0.0:5000", "web.app:app"]\n',
        GUNICORN + 'CMD ["-b0.0.0.0:5000", "web.app:app"]\n',
        GUNICORN + 'CMD ["-b=0.0.0.0:5000", "web.app:app"]\n',
        GUNICORN + 'CMD ["--bi", "0.0.0.0:5000", "web.app:app"]\n',
        GUNICORN + 'CMD ["--bind", ":5000", "web.app:app"]\n',
        GUNICORN + 'CMD ["--bind", "tcp://0.0.0.0:5000", "web.app:app"]\n',
        GUNICORN + 'CMD ["--bind", "[::]:5000", "web.app:app"]\n',
        GUNICORN + 'CMD ["--workers", "2", "--bind", "0.0.0.0:5000", "-k", "gthread", "--access-logfile", "-", '
                   '"web.app:app"]\n',
        GUNICORN + 'CMD ["--bind", "127.0.0.1:5001", "--bind", "0.0.0.0:5000", "web.app:app"]\n',
        FROM + 'CMD ["gunicorn", "--bind", "0.0.0.0:5000", "web.app:app"]\n',
        FROM + 'CMD ["/usr/local/bin/gunicorn", "--bind", "0.0.0.0:5000", "web.app:app"]\n',
        FROM + 'CMD ["python", "-m", "gunicorn", "--bind", "0.0.0.0:5000", "web.app:app"]\n',
        FROM + 'CMD ["python3.11", "-u", "-m", "gunicorn", "-b", "0.0.0.0:5000", "web.app:app"]\n',
        FROM + 'ENTRYPOINT ["python", "-m", "gunicorn"]\nCMD ["--bind", "0.0.0.0:5000", "web.app:app"]\n',
        FROM + 'ENTRYPOINT ["gunicorn", "--bind", "0.0.0.0:5000", "web.app:app"]\n',
        FROM + 'ENTRYPOINT ["gunicorn", "--bind", "0.0.0.0:5000"]\nCMD ["web.app:app"]\n',
        GUNICORN + 'ENV PORT=5000\nCMD ["web.app:app"]\n',
        GUNICORN + 'ENV GUNICORN_CMD_ARGS="--bind 0.0.0.0:5000 --workers 2"\nCMD ["web.app:app"]\n',
        'from python:3.11-slim\r\nentrypoint ["gunicorn"]\r\ncmd ["--bind", \\\r\n    # everywhere\r\n'
        '    "0.0.0.0:5000", "web.app:app"]\r\n',
        'FROM python:3.11-slim AS base\nENTRYPOINT ["gunicorn"]\nCMD ["--bind", "0.0.0.0:5000", "web.app:app"]\n'
        "FROM base\nUSER 1000\n",
    ],
    ids=["entrypoint-and-cmd", "app-first", "short-option", "equals-spelling", "attached-short-option",
         "short-option-equals", "abbreviated-long-option", "empty-host-is-every-interface", "tcp-scheme",
         "ipv6-wildcard-is-dual-stack", "other-options", "two-binds",
         "cmd-only", "absolute-program", "python-m-gunicorn", "python-options-before-m",
         "python-m-gunicorn-entrypoint", "entrypoint-only", "split-between-entrypoint-and-cmd", "port-env-default",
         "gunicorn-cmd-args-env", "lowercase-multiline-crlf", "inherited-from-stage"],
)
def test_passes(dockerfile):
    assert_passes(check, dockerfile, **PARAMETERS)


@pytest.mark.parametrize(
    ("dockerfile", "line", "says"),
    [
        (FROM, None, 'no CMD or ENTRYPOINT starts gunicorn; add `CMD ["gunicorn", "--bind", "0.0.0.0:5000", '
                     '"web.app:app"]`'),
        (FROM + "CMD gunicorn --bind 0.0.0.0:5000 web.app:app\n", 2,
         "is shell form: Docker runs it under /bin/sh -c, so the shell, not gunicorn, is the container's first "
         "process"),
        (FROM + "CMD [\"gunicorn\", '--bind', \"0.0.0.0:5000\", \"web.app:app\"]\n", 2,
         "is not valid JSON, so Docker runs it in shell form"),
        (GUNICORN + "CMD --bind 0.0.0.0:5000 web.app:app\n", 3,
         'gunicorn would receive `/bin/sh -c "--bind 0.0.0.0:5000 web.app:app"` as its arguments; write '
         + WANTED_CMD),
        (FROM + "ENTRYPOINT gunicorn --bind 0.0.0.0:5000 web.app:app\n", 2,
         'is shell form: Docker runs it under /bin/sh -c, ignores CMD'),
        (FROM + 'CMD ["sh", "-c", "gunicorn --bind 0.0.0.0:5000 web.app:app"]\n', 2, "gunicorn runs under a shell"),
        (FROM + 'CMD ["flask", "--app", "web.app", "run", "--host", "0.0.0.0"]\n', 2, "which does not start gunicorn"),
        (GUNICORN + 'CMD ["web.app:app"]\n', 3,
         "has no `--bind`, so gunicorn listens on its default 127.0.0.1:8000: inside the container only"),
        (GUNICORN + 'CMD ["--bind", "127.0.0.1:5000", "web.app:app"]\n', 3,
         "with `--bind 127.0.0.1:5000` in `gunicorn --bind 127.0.0.1:5000 web.app:app`, gunicorn listens on "
         "127.0.0.1:5000, inside the container only"),
        (GUNICORN + 'CMD ["-b", "localhost:5000", "web.app:app"]\n', 3, "inside the container only"),
        (GUNICORN + 'CMD ["--bind", "0.0.0.0:8000", "web.app:app"]\n', 3,
         "gunicorn listens on 0.0.0.0:8000: port 8000, not 5000; write " + WANTED_CMD),
        (GUNICORN + 'CMD ["--bind", "0.0.0.0", "web.app:app"]\n', 3,
         "gunicorn listens on 0.0.0.0 with gunicorn's default port 8000: port 8000, not 5000"),
        (GUNICORN + 'CMD ["--bind", "0.0.0.0:$PORT", "web.app:app"]\n', 3,
         "`$PORT` is not a port number, so gunicorn stops at start (Docker expands no variable"),
        (GUNICORN + 'CMD ["--bind", "unix:/tmp/gunicorn.sock", "web.app:app"]\n', 3,
         "the unix socket /tmp/gunicorn.sock, not on TCP port 5000"),
        (GUNICORN + 'CMD ["--bind", "172.17.0.2:5000", "web.app:app"]\n', 3,
         "gunicorn listens on 172.17.0.2:5000 only, not on every interface of the container"),
        (GUNICORN + 'CMD ["--bind", "0.0.0.0:5000", "app:app"]\n', 3, "runs the app `app:app`, not `web.app:app`"),
        (GUNICORN + 'CMD ["--bind", "0.0.0.0:5000", "web.app"]\n', 3, "runs the app `web.app`, not `web.app:app`"),
        (GUNICORN + 'CMD ["--bind", "0.0.0.0:5000"]\n', 3, "names no app"),
        (GUNICORN + 'CMD ["gunicorn", "--bind", "0.0.0.0:5000", "web.app:app"]\n', 3,
         "gives gunicorn the app `gunicorn`: `gunicorn` already runs gunicorn; write " + WANTED_CMD),
        (GUNICORN + 'CMD ["--bind", "0.0.0.0:5000", "web.app:app", "--", "extra"]\n', 3,
         "the extra argument `extra`: gunicorn takes one app"),
        (FROM + 'ENTRYPOINT ["gunicorn", "-b", "127.0.0.1:5000", "web.app:app"]\n', 2,
         'write `ENTRYPOINT ["gunicorn", "--bind", "0.0.0.0:5000", "web.app:app"]`'),
        (FROM + 'ENTRYPOINT ["gunicorn", "-b", "127.0.0.1:5000"]\nCMD ["web.app:app"]\n', 2,
         "127.0.0.1:5000, inside the container only"),
        (FROM + 'ENTRYPOINT ["/docker-entrypoint.sh"]\nCMD ["--bind", "0.0.0.0:5000", "web.app:app"]\n', 3,
         'which does not start gunicorn; write `ENTRYPOINT ["gunicorn"]` and `CMD ["--bind", "0.0.0.0:5000", '
         '"web.app:app"]`'),
        (GUNICORN + 'ENV PORT=8080\nCMD ["web.app:app"]\n', 3,
         "with `ENV PORT=8080` and no `--bind` (gunicorn's default bind is then 0.0.0.0:$PORT), gunicorn listens on "
         "0.0.0.0:8080: port 8080, not 5000"),
        (GUNICORN + 'ENV GUNICORN_CMD_ARGS="-b 127.0.0.1:5000"\nCMD ["web.app:app"]\n', 3,
         'with `--bind 127.0.0.1:5000` in `ENV GUNICORN_CMD_ARGS="-b 127.0.0.1:5000"`'),
        ('FROM python:3.11-slim AS base\nCMD ["gunicorn", "--bind", "0.0.0.0:5000", "web.app:app"]\n'
         'FROM base\nENTRYPOINT ["gunicorn"]\n', 4, "names no app"),
    ],
    ids=["no-command", "shell-form-cmd", "invalid-json-cmd", "shell-form-cmd-under-entrypoint",
         "shell-form-entrypoint", "sh-c-wrapper", "flask-dev-server", "no-bind-default", "loopback-bind",
         "localhost-bind", "wrong-port", "host-without-port", "unexpanded-variable", "unix-socket",
         "one-interface", "wrong-app", "module-without-variable", "no-app", "gunicorn-twice", "extra-operand",
         "entrypoint-only-loopback", "bind-in-entrypoint", "entrypoint-script", "port-env-other-port",
         "gunicorn-cmd-args-loopback", "entrypoint-resets-inherited-cmd"],
)
def test_fails(dockerfile, line, says):
    assert_fails(check, dockerfile, line=line, says=says, **PARAMETERS)


def test_title_and_hint_are_rendered_with_the_exercises_parameters():
    spec = load_exercise(EXERCISE).tasks["image"].spec("gunicorn-bind")
    assert spec.check.id == "gunicorn-bind" and spec.check.origin == check.origin
    assert spec.parameters == PARAMETERS
    assert spec.title == "gunicorn serves web.app:app on 0.0.0.0:5000"
    assert '`CMD ["--bind", "0.0.0.0:5000", "web.app:app"]`' in spec.hint


def test_the_parameters_are_required():
    with pytest.raises(TypeError):
        check.function(None)
    assert all(parameter.default is parameter.empty for parameter in check.parameters.values())
