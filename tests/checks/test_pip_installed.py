import pytest

from graders.checks.static.pip_installed import check
from tests.checks.helpers import assert_fails, assert_passes


@pytest.mark.parametrize(
    "dockerfile",
    [
        "FROM ubuntu:20.04\nRUN apt-get install -y python3-pip\n",
        "FROM ubuntu:20.04\nRUN apt-get update && apt install -y --no-install-recommends python3.8 python3-pip\n",
        "FROM ubuntu:20.04\nRUN apt-get install -y python3-pip=20.0.2-5ubuntu1.6\n",
        "FROM ubuntu:20.04\nRUN <<EOF\napt-get update\napt-get install -y \\\n  python3-pip\nEOF\n",
        "FROM ubuntu:20.04\nRUN apt-get install -y python3.8\nRUN apt-get install -y python3-pip\n",
        "FROM ubuntu:20.04\r\nrun apt-get install -y \\\r\n    python3-pip\r\n",
    ],
    ids=["apt-get", "apt-with-others", "pinned", "heredoc-continuation", "second-install", "lowercase-crlf"],
)
def test_passes(dockerfile):
    assert_passes(check, dockerfile)


@pytest.mark.parametrize(
    ("dockerfile", "line", "says"),
    [
        ("FROM ubuntu:20.04\nRUN apt-get install -y python3.8\n", 2, "no apt install names `python3-pip`"),
        ("FROM ubuntu:20.04\nRUN apt-get install -y python-pip\n", 2, "installs `python-pip`, not `python3-pip`"),
        ("FROM ubuntu:20.04\nRUN curl -sS https://bootstrap.pypa.io/get-pip.py | python3.8\n", None,
         "no `apt-get install`"),
        ("FROM ubuntu AS build\nRUN apt-get install -y python3-pip\nFROM ubuntu\nRUN pip --version\n", None,
         "no `apt-get install` in the final stage"),
    ],
    ids=["missing", "python2-pip", "get-pip", "earlier-stage-only"],
)
def test_fails(dockerfile, line, says):
    assert_fails(check, dockerfile, line=line, says=says)


def test_lists_every_apt_install():
    dockerfile = "FROM x\nRUN apt-get install -y software-properties-common\nRUN apt-get install -y python3.8\n"
    assert_fails(check, dockerfile, line=2, says="(apt installs on lines 2, 3)")
