import pytest

from graders.checks.static.user_scripts_on_path import check
from tests.checks.helpers import assert_fails, assert_passes

HOME = {"home": "/home/runner"}
BASE = "FROM python:3.8.12-slim\nRUN useradd --uid 10000 --create-home runner\n"
ON_PATH = 'ENV PATH="/home/runner/.local/bin:$PATH"\n'


@pytest.mark.parametrize(
    ("dockerfile", "says"),
    [
        (BASE + "RUN pip install --no-cache-dir poetry && poetry install\nUSER 10000\nCMD [\"poetry\", \"run\"]\n",
         "pip installs as root: nothing to put on PATH"),
        (BASE + "USER 10000\nCMD [\"python\"]\n", "no pip install in the final stage: nothing to put on PATH"),
        (BASE + "USER runner\n" + ON_PATH + "RUN pip install --no-cache-dir poetry\nRUN poetry install\n",
         "/home/runner/.local/bin is on PATH where poetry run"),
        (BASE + "USER runner\nENV PATH=${PATH}:/home/runner/.local/bin\n"
         "RUN pip install poetry && poetry install\n", ""),
        (BASE + "USER runner\nENV HOME=/home/runner\nENV PATH=$HOME/.local/bin:$PATH\n"
         "RUN pip install poetry\nRUN poetry install\n", ""),
        (BASE + "USER runner\nENV PATH=/home/runner/.local/bin/:/usr/local/bin:/usr/bin:/bin\n"
         "RUN pip install poetry\nENTRYPOINT [\"poetry\", \"run\"]\n", ""),
        (BASE + "USER runner\nRUN python -m venv /home/runner/venv && /home/runner/venv/bin/pip install poetry\n"
         "RUN /home/runner/venv/bin/poetry install\n", "outside the user's ~/.local"),
        (BASE + "USER runner\nENV VIRTUAL_ENV=/home/runner/venv\nRUN pip install poetry\n", "a virtual environment"),
        (BASE + "USER runner\nRUN python -m venv venv && . venv/bin/activate && pip install poetry && poetry install\n",
         "outside the user's ~/.local"),
        (BASE + "USER runner\nRUN pip install --target /home/runner/lib poetry\n", "--target"),
        (BASE + "USER runner\nRUN pip install poetry\nRUN /home/runner/.local/bin/poetry install\n",
         "nothing runs poetry by name: nothing needs /home/runner/.local/bin on PATH"),
        (BASE + "USER runner\nRUN pip install poetry && PATH=/home/runner/.local/bin:$PATH poetry install\n", ""),
        (BASE + "USER runner\nRUN pip install poetry && export PATH=\"$PATH:/home/runner/.local/bin\" "
         "&& poetry install\n", ""),
        (BASE + "USER runner\nRUN pip install --user uvicorn\nENTRYPOINT [\"python\", \"-m\", \"uvicorn\"]\n",
         "nothing runs uvicorn by name"),
        (BASE + "USER runner\nRUN pip install uvicorn\nENTRYPOINT [\"uvicorn\"]\n" + ON_PATH, ""),
        (BASE + "USER runner\nRUN true\nUSER root\nRUN pip install poetry\nRUN poetry install\n",
         "pip installs as root"),
        (BASE + "USER runner\nRUN pip install --upgrade pip && pip install poetry --user\n", "nothing runs poetry"),
        ("FROM python:3.8.12-slim AS base\nUSER runner\n" + ON_PATH + "FROM base\nRUN pip install poetry\n"
         "RUN poetry install\n", ""),
    ],
    ids=["root-pip", "no-pip", "path-before", "path-appended", "home-set-by-env", "trailing-slash-runtime",
         "venv-by-path", "virtual-env-variable", "venv-activated", "target", "called-by-path", "inline-path",
         "exported-path", "python-m", "runtime-path-after-entrypoint", "root-again", "pip-itself",
         "user-and-path-in-parent-stage"],
)
def test_passes(dockerfile, says):
    result = assert_passes(check, dockerfile, **HOME)
    assert says in result.message


@pytest.mark.parametrize(
    ("dockerfile", "line", "says"),
    [
        (BASE + "USER runner\nRUN pip install --no-cache-dir poetry\nRUN poetry install --only main\n", 5,
         "line 5: `poetry install --only main` runs poetry, which `pip install --no-cache-dir poetry` (line 4) "
         "installed as runner into /home/runner/.local/bin; that folder is not on PATH, so poetry is not found: add "
         '`ENV PATH="/home/runner/.local/bin:$PATH"` before line 5'),
        (BASE + "USER runner\nRUN pip install poetry\nRUN poetry install\n" + ON_PATH, 5,
         "not on PATH yet (the ENV of line 6 comes after it)"),
        (BASE + "USER runner\nENV PATH=$HOME/.local/bin:$PATH\nRUN pip install poetry\nRUN poetry install\n", 6,
         "(`$HOME` is not set during the build: Docker gives the user's home to containers, not to ENV lines; write "
         "/home/runner/.local/bin itself)"),
        (BASE + "USER runner\nENV PATH=~/.local/bin:$PATH\nRUN pip install poetry\nRUN poetry install\n", 6,
         "(ENV does not expand `~`; write /home/runner/.local/bin itself)"),
        (BASE + "USER 10000\nRUN pip install poetry\nENTRYPOINT [\"poetry\", \"run\"]\nCMD [\"uvicorn\"]\n", 5,
         "line 5: `ENTRYPOINT [\"poetry\", \"run\"]` starts poetry, which `pip install poetry` (line 4) installed as "
         "10000 into /home/runner/.local/bin"),
        (BASE + "USER runner:runner\nRUN pip install --no-cache-dir poetry && poetry install\n", 4,
         "`poetry install` runs poetry"),
        (BASE + "USER runner\nRUN pip install uvicorn\nCMD uvicorn app.main:app\n", 5,
         "`CMD uvicorn app.main:app` starts uvicorn"),
        (BASE + "USER runner\nENV PATH=/home/other/.local/bin:$PATH\nRUN pip install poetry\nRUN poetry install\n", 6,
         "that folder is not on PATH, so poetry is not found"),
        ("FROM python:3.8.12-slim AS base\nUSER runner\nFROM base\nRUN pip install poetry\nRUN poetry install\n", 5,
         "installed as runner"),
    ],
    ids=["poetry-not-found", "path-set-later", "home-unset", "tilde", "entrypoint", "same-run", "shell-form-cmd",
         "other-home", "user-of-parent-stage"],
)
def test_fails(dockerfile, line, says):
    assert_fails(check, dockerfile, line=line, says=says, **HOME)


def test_the_home_is_a_parameter():
    dockerfile = BASE + "USER app\nENV PATH=/srv/app/.local/bin:$PATH\nRUN pip install gunicorn\nCMD [\"gunicorn\"]\n"
    assert_passes(check, dockerfile, home="/srv/app")
    assert_fails(check, dockerfile, line=6, says="into /home/runner/.local/bin", **HOME)
