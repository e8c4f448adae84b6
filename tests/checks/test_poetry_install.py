import pytest

from graders.checks.static.poetry_install import check
from tests.checks.helpers import assert_fails, assert_passes

TASK3 = "FROM python:3.8.12-slim\nWORKDIR /server\nCOPY . /server\n"


@pytest.mark.parametrize(
    "dockerfile",
    [
        TASK3 + "RUN pip install --no-cache-dir poetry && poetry install --no-dev\n",
        TASK3 + "run pip3 install --no-cache-dir 'poetry==1.8.3' \\\n  # no dev dependencies\n"
        "  && poetry install --only main --no-root\n",
        TASK3 + "RUN python3 -m pip install --no-cache-dir poetry==1.8.3\nRUN poetry install --only=main\n",
        TASK3 + "RUN pip install --no-cache-dir \"poetry>=1.2\" && poetry config virtualenvs.create false "
        "&& poetry install --without dev,test\n",
        TASK3 + "ENV PIP_NO_CACHE_DIR=1\nRUN pip install poetry && poetry -C /server install --only main\n",
        "FROM python:3.8.12-slim\r\nRUN sh -c 'pip install --no-cache-dir poetry; poetry install --no-dev'\r\n",
        TASK3 + "RUN <<EOF\nset -e\npip install --no-cache-dir poetry\npoetry install --only main\nEOF\n",
        TASK3 + 'RUN ["pip", "install", "--no-cache-dir", "poetry"]\nRUN ["poetry", "install", "--no-dev"]\n',
        "FROM python:3.8.12 AS build\nRUN pip install poetry && poetry install\n" + TASK3
        + "RUN pip install --no-cache-dir poetry && poetry install --no-dev\n",
    ],
    ids=["exercise", "pinned-quoted-continuation-comment", "python-m-pip-two-runs", "without-dev-list",
         "pip-no-cache-dir-env", "crlf-sh-c", "heredoc", "exec-form", "final-stage-counts"],
)
def test_passes(dockerfile):
    assert_passes(check, dockerfile)


@pytest.mark.parametrize(
    ("dockerfile", "line", "says"),
    [
        (TASK3 + "RUN pip install --no-cache-dir fastapi==0.78.0\n", None,
         "neither poetry nor the app's dependencies are installed; add `pip install --no-cache-dir poetry`, then "
         "`poetry install --only main`"),
        (TASK3 + "RUN poetry install --no-dev\n", 4,
         "poetry is never installed, so `poetry install --no-dev` fails; add `pip install --no-cache-dir poetry` "
         "before it"),
        (TASK3 + "RUN pip install poetry && poetry install --no-dev\n", 4,
         "line 4: `pip install poetry` keeps pip's download cache in the image; write `pip install --no-cache-dir "
         "poetry`"),
        (TASK3 + "RUN pip install --no-cache-dir poetry && poetry install\n", 4,
         "line 4: `poetry install` also installs the dev dependencies; write `poetry install --only main`"),
        (TASK3 + "RUN pip install --no-cache-dir poetry && poetry install --with dev\n", 4, "dev dependencies"),
        (TASK3 + "RUN pip install --no-cache-dir poetry\nRUN poetry update\n", 4,
         "no `poetry install` in the final stage; add `poetry install --only main` (`--no-dev` before poetry 1.2) "
         "after line 4"),
        (TASK3 + "RUN poetry install --no-dev\nRUN pip install --no-cache-dir poetry\n", 4,
         "line 4: `poetry install --no-dev` runs before poetry is installed (line 5)"),
        (TASK3 + "RUN curl -sSL https://install.python-poetry.org | python3 - && poetry install --no-dev\n", 4,
         "line 4: `curl -sSL https://install.python-poetry.org` installs poetry without pip; the exercise installs "
         "it with `pip install --no-cache-dir poetry`"),
        (TASK3 + "RUN pipx install poetry && poetry install --no-dev\n", 4, "installs poetry without pip"),
        ("FROM python:3.8.12 AS build\nRUN pip install --no-cache-dir poetry\nFROM python:3.8.12-slim\n"
         "RUN poetry install --no-dev\n", 4, "poetry is never installed"),
    ],
    ids=["no-poetry", "poetry-not-installed", "pip-cache", "dev-dependencies", "with-dev", "no-poetry-install",
         "wrong-order", "curl-installer", "pipx", "installed-in-earlier-stage"],
)
def test_fails(dockerfile, line, says):
    assert_fails(check, dockerfile, line=line, says=says)
