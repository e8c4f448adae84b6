"""The flask-gunicorn exercise's own check: the dependencies are installed in their own layer, before the app."""

from pathlib import Path

import pytest

from graders.checks.base import module_check
from tests.checks.helpers import assert_fails, assert_passes

EXERCISE = Path(__file__).resolve().parents[2] / "exercises" / "flask-gunicorn"
check = module_check(EXERCISE / "checks" / "requirements_first.py")
PARAMETERS = {"requirements": "requirements.txt"}
FROM = "FROM python:3.11-slim\nWORKDIR /srv\n"
INSTALL = "RUN pip install --no-cache-dir -r requirements.txt\n"


@pytest.mark.parametrize(
    "dockerfile",
    [
        FROM + "COPY requirements.txt .\n" + INSTALL + "COPY . .\n",
        FROM + "COPY requirements.txt /srv/\n" + INSTALL + "COPY . /srv\n",
        FROM + 'COPY ["requirements.txt", "./"]\n' + INSTALL + 'COPY [".", "."]\n',
        FROM + "COPY --chown=1000 requirements*.txt ./\n" + INSTALL + "COPY . .\n",
        FROM + "COPY requirements.txt .\nRUN pip install --no-cache-dir --requirement=/srv/requirements.txt\n"
               "COPY . .\n",
        FROM + "COPY requirements.txt .\nRUN python -m pip install --no-cache-dir -r ./requirements.txt \\\n"
               "    && rm -rf /tmp/*\nCOPY web/ web/\n",
        "FROM python:3.11-slim AS deps\nWORKDIR /srv\nCOPY requirements.txt .\n" + INSTALL +
        "FROM deps\nCOPY . .\n",
    ],
    ids=["model", "absolute-destination", "json-form", "glob-and-flags", "long-option-absolute-path",
         "python-m-pip-and-app-folder", "install-in-a-parent-stage"],
)
def test_passes(dockerfile):
    assert_passes(check, dockerfile, **PARAMETERS)


@pytest.mark.parametrize(
    ("dockerfile", "line", "says"),
    [
        (FROM + "COPY . .\n" + INSTALL, 3,
         "`COPY . .` (line 3) copies the whole build context before `pip install --no-cache-dir -r requirements.txt` "
         "(line 4): every edit of the app then invalidates the install layer"),
        (FROM + "COPY requirements.txt .\nCOPY . /srv\n" + INSTALL, 4, "copies the whole build context before"),
        (FROM + "ADD ./ /srv/\n" + INSTALL, 3, "copies the whole build context before"),
        (FROM + 'COPY ["./", "/srv/"]\n' + INSTALL, 3, "copies the whole build context before"),
        (FROM + INSTALL + "COPY . .\n", 3, "nothing copies `requirements.txt` into the image before"),
        (FROM + "COPY . .\nRUN pip install --no-cache-dir flask==3.1.3 gunicorn==27.0.1\n", None,
         "no `pip install -r requirements.txt`"),
    ],
    ids=["whole-context-first", "whole-context-between", "add-dot-slash", "json-form-whole-context",
         "requirements-never-copied", "packages-named-on-the-command-line"],
)
def test_fails(dockerfile, line, says):
    assert_fails(check, dockerfile, line=line, says=says, **PARAMETERS)
