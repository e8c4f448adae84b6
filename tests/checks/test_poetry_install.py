import pytest

from graders.checks.static.poetry_install import check
from tests.checks.helpers import assert_fails, assert_passes

TASK3 = "FROM python:3.8.12-slim\nWORKDIR /server\nCOPY . /server\n"
EDITION_2022 = {"dev_flags": ("--no-dev", "--only main", "--without dev")}
EDITION_2023 = {"dev_flags": ("--only main", "--without dev")}  # Poetry 2: no `--no-dev`
PIP_POETRY = TASK3 + "RUN pip install --no-cache-dir poetry && "


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
    assert_passes(check, dockerfile, **EDITION_2022)


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
    assert_fails(check, dockerfile, line=line, says=says, **EDITION_2022)


@pytest.mark.parametrize(
    "install",
    ["poetry install --only main", "poetry install --only=main", "poetry install --no-root --only main",
     "poetry install --without dev", "poetry install --without=dev,test", "poetry install --without test --without dev",
     "poetry install --only main --with dev"],
    ids=["only", "only-equals", "any-option-order", "without", "without-equals-list", "without-twice",
         "only-overrides-with"],
)
def test_spellings_compare_by_what_they_install(install):
    assert_passes(check, PIP_POETRY + install + "\n", **EDITION_2023)


def test_only_main_passes_where_only_without_dev_is_accepted():
    assert_passes(check, PIP_POETRY + "poetry install --only main\n", dev_flags=("--without dev",))


@pytest.mark.parametrize(
    ("install", "says"),
    [
        ("poetry install --no-dev",
         'line 4: `poetry install --no-dev` uses `--no-dev`, which Poetry 2 (what an unpinned `pip install poetry` '
         'installs) removed: it stops with `The option "--no-dev" does not exist`; write `poetry install --only main`'),
        ("poetry install --no-dev --only main", 'The option "--no-dev" does not exist'),
        ("poetry install", "`poetry install` also installs the dev dependencies; write `poetry install --only main`"),
        ("poetry install --without test",
         "`poetry install --without test` still installs dependencies that `--only main` or `--without dev` would "
         "leave out; write `poetry install --only main`"),
        ("poetry install --only main,dev", "still installs dependencies that"),
        ("poetry install --only docs",
         "`poetry install --only docs` leaves out the app's own dependencies (Poetry's `main` group)"),
        ("poetry install --without main,dev", "leaves out the app's own dependencies"),
    ],
    ids=["no-dev-in-poetry-2", "no-dev-with-only", "no-flag", "without-other-group", "only-with-dev",
         "only-other-group", "without-main"],
)
def test_fails_on_what_the_edition_does_not_accept(install, says):
    assert_fails(check, PIP_POETRY + install + "\n", line=4, says=says, **EDITION_2023)


def test_no_dev_passes_where_it_is_accepted():
    assert_passes(check, PIP_POETRY + "poetry install --no-dev\n", dev_flags=("--no-dev",))


def test_messages_and_hint_name_the_accepted_spellings():
    assert_fails(check, TASK3 + "RUN pip install --no-cache-dir poetry\n", line=4, says="add `poetry install "
                 "--without dev` (`--no-dev` before poetry 1.2) after line 4", dev_flags=("--without dev", "--no-dev"))
    assert_fails(check, TASK3 + "RUN pip install --no-cache-dir poetry\n", line=4, says="add `poetry install "
                 "--only main` after line 4", **EDITION_2023)
    assert "{dev_flags}" in check.hint


def test_an_accepted_spelling_that_is_none_of_the_kinds_is_the_exercise_s_mistake():
    with pytest.raises(ValueError, match="dev_flags: `--sync` is not `--no-dev`, `--only GROUPS` or `--without "
                       "GROUPS`"):
        check(None, dev_flags=("--sync",))
