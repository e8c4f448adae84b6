import pytest

from graders.checks.static.python38_installed import check
from tests.checks.helpers import assert_fails, assert_passes


@pytest.mark.parametrize(
    "dockerfile",
    [
        "FROM ubuntu:20.04\nRUN apt-get install -y python3.8\n",
        "FROM ubuntu:20.04\nRUN apt install -y python3.8 python3-pip\n",
        "FROM ubuntu:20.04\nRUN apt-get install -y python3.8=3.8.12-1+focal1\n",
        "FROM ubuntu:20.04\nRUN apt-get install -y python3.8:amd64\n",
        "FROM ubuntu:20.04\nRUN apt-get -y --no-install-recommends install python3.8\n",
        "FROM ubuntu:20.04\nRUN apt-get update && apt-get install -y \\\n    # the interpreter\n    python3.8 \\\n"
        "    python3-pip\n",
        "FROM ubuntu:20.04\nARG PYTHON=python3.8\nRUN apt-get install -y $PYTHON\n",
        "FROM ubuntu:20.04\nRUN <<EOF\napt-get update\napt-get install -y python3.8\nEOF\n",
        "FROM ubuntu:20.04\nRUN sh -c 'apt-get update && apt-get install -y python3.8'\n",
        'FROM ubuntu:20.04\nRUN ["apt-get", "install", "-y", "python3.8"]\n',
        "FROM ubuntu:20.04\r\nrun DEBIAN_FRONTEND=noninteractive apt-get install -y python3.8\r\n",
    ],
    ids=["apt-get", "apt", "pinned", "architecture", "options-before-action", "continuation-with-comment",
         "arg-variable", "heredoc", "sh-c", "exec-form", "lowercase-crlf-env"],
)
def test_passes(dockerfile):
    assert_passes(check, dockerfile)


def test_line_is_the_install_command():
    result = assert_passes(check, "FROM x\nRUN apt-get update \\\n && apt-get install -y python3.8\n")
    assert result.line == 3


@pytest.mark.parametrize(
    ("dockerfile", "line", "says", "parameters"),
    [
        ("FROM ubuntu:20.04\nRUN pip install fastapi\n", None, "no `apt-get install` in the final stage", {}),
        ("FROM ubuntu:20.04\nRUN apt-get install -y python3 python3-pip\n", 2,
         "`apt-get install -y python3 python3-pip` installs `python3`, not `python3.8`", {}),
        ("FROM ubuntu:20.04\nRUN apt-get install -y python3.9\n", 2, "installs `python3.9`, not `python3.8`", {}),
        ("FROM ubuntu:20.04\nRUN apt-get install -y curl\n", 2, "no apt install names `python3.8`", {}),
        ("FROM ubuntu:20.04\nRUN apt-get remove -y python3.8\n", None, "no `apt-get install`", {}),
        ("FROM ubuntu AS build\nRUN apt-get install -y python3.8\nFROM ubuntu\nRUN apt-get install -y curl\n", 4,
         "no apt install names `python3.8`", {}),
        ("FROM ubuntu:20.04\nRUN apt-get install -y python3.8\n", 2, "installs `python3.8`, not `python3.9`",
         {"package": "python3.9"}),
    ],
    ids=["no-apt-install", "python3-only", "python3.9", "unrelated-packages", "removed-not-installed",
         "earlier-stage-only", "package-parameter"],
)
def test_fails(dockerfile, line, says, parameters):
    assert_fails(check, dockerfile, line=line, says=says, **parameters)


def test_quotes_the_command_as_written():
    assert_fails(check, "FROM x\nRUN apt-get install -y python3=3.8*\n", line=2,
                 says="`apt-get install -y python3=3.8*` installs `python3`")
