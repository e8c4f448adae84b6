import pytest

from graders.checks.static.no_manual_python import check
from tests.checks.helpers import assert_fails, assert_passes

TASK3 = "FROM python:3.8.12\nWORKDIR /server\nCOPY . /server\n"
EXERCISE = {"ppa": "ppa:deadsnakes/ppa", "apt_packages": ("python3.8", "python3-pip"),
            "app_packages": ("fastapi", "sqlalchemy", "alembic", "uvicorn")}


@pytest.mark.parametrize(
    "dockerfile",
    [
        TASK3 + "RUN pip install --no-cache-dir poetry && poetry install --only main\n",
        TASK3 + "run apt-get update \\\n  # curl for the healthcheck\n"
        "  && apt-get install -y --no-install-recommends curl\n",
        TASK3 + "RUN pip install --no-cache-dir --upgrade pip poetry==1.8.3\n",
        TASK3 + "RUN apt-get remove -y python3-pip\n",
        TASK3 + "RUN add-apt-repository -y ppa:git-core/ppa\n",
        "FROM ubuntu:20.04 AS build\nRUN add-apt-repository ppa:deadsnakes/ppa && apt-get install -y python3.8\n"
        "FROM python:3.8.12-slim\nRUN pip install --no-cache-dir poetry\n",
    ],
    ids=["poetry", "other-apt-package", "pip-and-poetry-upgrade", "apt-remove", "other-ppa", "earlier-stage"],
)
def test_passes(dockerfile):
    assert_passes(check, dockerfile, **EXERCISE)


@pytest.mark.parametrize(
    ("dockerfile", "line", "says"),
    [
        (TASK3 + "RUN add-apt-repository -y ppa:deadsnakes/ppa\n", 4,
         "line 4: `add-apt-repository -y ppa:deadsnakes/ppa` adds the ppa:deadsnakes/ppa PPA: the python base image "
         "already ships python and pip; remove it"),
        (TASK3 + "RUN add-apt-repository ppa:deadsnakes\n", 4, "adds the ppa:deadsnakes/ppa PPA"),
        (TASK3 + "RUN apt-get update && \\\n    apt-get install -y python3.8 python3-pip\n", 5,
         "line 5: `apt-get install -y python3.8 python3-pip` installs python3.8, python3-pip: the python base image"),
        (TASK3 + "RUN apt install -y python3.8=3.8.12-1\n", 4, "installs python3.8"),
        (TASK3 + 'RUN ["apt-get", "install", "-y", "python3-pip"]\n', 4, "installs python3-pip"),
        (TASK3 + "RUN pip install --no-cache-dir poetry 'SQLAlchemy==1.4.36' \"uvicorn[standard]==0.17.6\"\n", 4,
         "line 4: `pip install --no-cache-dir poetry SQLAlchemy==1.4.36 uvicorn[standard]==0.17.6` pip installs "
         "sqlalchemy, uvicorn: declare the app's packages with `poetry add`"),
        (TASK3 + "RUN <<EOF\npip install --no-cache-dir poetry\npython -m pip install fastapi\nEOF\n", 6,
         "`python -m pip install fastapi` pip installs fastapi"),
        (TASK3 + "RUN sh -c 'apt-get install -y python3-pip; pip3 install alembic'\n", 4,
         "line 4: `apt-get install -y python3-pip` installs python3-pip: the python base image already ships python "
         "and pip; remove it; line 4: `pip3 install alembic` pip installs alembic"),
    ],
    ids=["ppa", "ppa-short-form", "apt-python-and-pip", "apt-version-pin", "exec-form", "pip-app-packages",
         "heredoc", "sh-c-two-findings"],
)
def test_fails(dockerfile, line, says):
    assert_fails(check, dockerfile, line=line, says=says, **EXERCISE)


def test_reads_the_ppa_and_the_packages_from_its_parameters():
    dockerfile = TASK3 + "RUN apt-get install -y python3.11 && pip install flask\n"
    assert_passes(check, dockerfile, **EXERCISE)
    assert_fails(check, dockerfile, line=4, says="installs python3.11: the python base image already ships python "
                 "and pip; remove it; line 4: `pip install flask` pip installs flask",
                 ppa="ppa:deadsnakes/ppa", apt_packages=("python3.11",), app_packages=("Flask",))


def test_fails_on_requirements_file(tmp_path):
    assert_fails(check, TASK3 + "RUN pip install --no-cache-dir -r /server/requirements.txt\n", line=4,
                 says="pip installs fastapi", files={"requirements.txt": "fastapi==0.78.0\n"}, tmp_path=tmp_path,
                 **EXERCISE)
