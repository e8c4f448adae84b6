import pytest

from graders.checks.static.single_install_run import check
from tests.checks.helpers import assert_fails, assert_passes


@pytest.mark.parametrize(
    "dockerfile",
    [
        """
        FROM ubuntu:20.04
        ARG DEBIAN_FRONTEND=noninteractive
        RUN apt-get update \\
         && apt-get install -y --no-install-recommends software-properties-common \\
         # python 3.8 from the deadsnakes PPA
         && add-apt-repository -y ppa:deadsnakes/ppa \\
         && apt-get update \\
         && apt-get install -y --no-install-recommends python3.8 python3-pip \\
         && python3.8 -m pip install --no-cache-dir fastapi==0.78.0 \\
         && rm -rf /var/lib/apt/lists/*
        WORKDIR /server
        """,
        "FROM python:3.8.12-slim\nRUN pip install --no-cache-dir poetry && poetry install --no-dev\n",
        "FROM python:3.8.12-slim\nRUN <<EOF\npip install --no-cache-dir poetry\npoetry install --no-dev\nEOF\n",
        "FROM x\nRUN pip install poetry && poetry install\nRUN useradd --uid 10000 runner\nRUN rm -rf /tmp/*\n",
        "FROM x\nRUN apt-get update && apt-get install -y curl\nRUN apt-get clean\n",
        'FROM x\nRUN sh -c "apt-get update && apt-get install -y curl"\n',
        'FROM x\nRUN ["pip3", "install", "--no-cache-dir", "poetry"]\n',
        "FROM x AS build\nRUN pip wheel -w /w fastapi\nRUN pip install x\n"
        "FROM y\nRUN pip install /w/* && poetry install\n",
        "FROM x\r\nrun apt update \\\r\n && apt install -y curl\r\n",
    ],
    ids=["task2-one-run", "task3-poetry", "heredoc", "other-runs-install-nothing", "apt-clean-apart", "sh-c",
         "exec-form", "earlier-stage-apart", "lowercase-crlf-apt"],
)
def test_passes(dockerfile):
    assert_passes(check, dockerfile)


@pytest.mark.parametrize(
    ("dockerfile", "line", "says"),
    [
        (
            "FROM x\nRUN apt-get update && apt-get install -y python3-pip\nRUN pip3 install fastapi==0.78.0\n",
            3,
            "install steps are spread over 2 RUN instructions (lines 2, 3); merge them into one RUN joined with &&",
        ),
        ("FROM x\nRUN apt-get update\nRUN apt-get install -y curl\n", 3, "(lines 2, 3)"),
        (
            "FROM x\nRUN apt-get update\nRUN apt-get install -y python3.8\nWORKDIR /server\n"
            "RUN python3.8 -m pip install fastapi\n",
            3,
            "spread over 3 RUN instructions (lines 2, 3, 5)",
        ),
        ("FROM python:3.8.12\nRUN pip install --no-cache-dir poetry\nRUN poetry install --no-dev\n", 3, "lines 2, 3"),
        (
            "FROM python:3.8.12\nRUN <<EOF\npip install poetry\nEOF\nCOPY . /server\nRUN poetry install --no-dev\n",
            6,
            "lines 2, 6",
        ),
        ("FROM x\nCOPY . /server\n", None, "no RUN installs anything"),
        ("FROM x AS build\nRUN pip install fastapi\nFROM y\nCOPY --from=build /usr /usr\n", None, "no RUN installs"),
        ("FROM x\r\nrun apt-get update\r\nrun apt-get install -y curl\r\n", 3, "lines 2, 3"),
    ],
    ids=["apt-and-pip-apart", "update-and-install-apart", "three-runs", "poetry-apart", "heredoc-and-run",
         "no-install", "installs-only-in-builder", "lowercase-crlf"],
)
def test_fails(dockerfile, line, says):
    assert_fails(check, dockerfile, line=line, says=says)
