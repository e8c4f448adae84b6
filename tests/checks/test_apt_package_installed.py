"""apt-package-installed: the 2022 edition runs it as `python38-installed` (python3.8) and `pip-installed`
(python3-pip)."""

import pytest

from graders.checks.static.apt_package_installed import check
from tests.checks.helpers import assert_fails, assert_passes


@pytest.mark.parametrize(
    ("dockerfile", "package"),
    [
        ("FROM ubuntu:20.04\nRUN apt-get install -y python3.8\n", "python3.8"),
        ("FROM ubuntu:20.04\nRUN apt install -y python3.8 python3-pip\n", "python3.8"),
        ("FROM ubuntu:20.04\nRUN apt-get install -y python3.8=3.8.12-1+focal1\n", "python3.8"),
        ("FROM ubuntu:20.04\nRUN apt-get install -y python3.8:amd64\n", "python3.8"),
        ("FROM ubuntu:20.04\nRUN apt-get -y --no-install-recommends install python3.8\n", "python3.8"),
        ("FROM ubuntu:20.04\nRUN apt-get update && apt-get install -y \\\n    # the interpreter\n    python3.8 \\\n"
         "    python3-pip\n", "python3.8"),
        ("FROM ubuntu:20.04\nARG PYTHON=python3.8\nRUN apt-get install -y $PYTHON\n", "python3.8"),
        ("FROM ubuntu:20.04\nRUN <<EOF\napt-get update\napt-get install -y python3.8\nEOF\n", "python3.8"),
        ("FROM ubuntu:20.04\nRUN sh -c 'apt-get update && apt-get install -y python3.8'\n", "python3.8"),
        ('FROM ubuntu:20.04\nRUN ["apt-get", "install", "-y", "python3.8"]\n', "python3.8"),
        ("FROM ubuntu:20.04\r\nrun DEBIAN_FRONTEND=noninteractive apt-get install -y python3.8\r\n", "python3.8"),
        ("FROM ubuntu:20.04\nRUN apt-get install -y python3-pip\n", "python3-pip"),
        ("FROM ubuntu:20.04\nRUN apt-get install -y python3-pip=20.0.2-5ubuntu1.6\n", "python3-pip"),
        ("FROM ubuntu:20.04\nRUN apt-get install -y python3.8\nRUN apt-get install -y python3-pip\n", "python3-pip"),
        ("FROM ubuntu:20.04\r\nrun apt-get install -y \\\r\n    python3-pip\r\n", "python3-pip"),
        ("FROM debian:12\nRUN apt-get install -y --no-install-recommends curl\n", "curl"),
    ],
    ids=["apt-get", "apt", "pinned", "architecture", "options-before-action", "continuation-with-comment",
         "arg-variable", "heredoc", "sh-c", "exec-form", "lowercase-crlf-env", "pip", "pip-pinned",
         "pip-second-install", "pip-lowercase-crlf", "any-package"],
)
def test_passes(dockerfile, package):
    assert_passes(check, dockerfile, package=package)


def test_line_is_the_install_command():
    result = assert_passes(check, "FROM x\nRUN apt-get update \\\n && apt-get install -y python3.8\n",
                           package="python3.8")
    assert result.line == 3


@pytest.mark.parametrize(
    ("dockerfile", "package", "line", "says"),
    [
        ("FROM ubuntu:20.04\nRUN pip install fastapi\n", "python3.8", None, "no `apt-get install` in the final stage; "
         "install python3.8 with `apt-get install -y python3.8`"),
        ("FROM ubuntu:20.04\nRUN apt-get install -y python3 python3-pip\n", "python3.8", 2,
         "`apt-get install -y python3 python3-pip` installs `python3`, not `python3.8`"),
        ("FROM ubuntu:20.04\nRUN apt-get install -y python3.9\n", "python3.8", 2,
         "installs `python3.9`, not `python3.8`"),
        ("FROM ubuntu:20.04\nRUN apt-get install -y curl\n", "python3.8", 2, "no apt install names `python3.8`"),
        ("FROM ubuntu:20.04\nRUN apt-get remove -y python3.8\n", "python3.8", None, "no `apt-get install`"),
        ("FROM ubuntu AS build\nRUN apt-get install -y python3.8\nFROM ubuntu\nRUN apt-get install -y curl\n",
         "python3.8", 4, "no apt install names `python3.8`"),
        ("FROM ubuntu:20.04\nRUN apt-get install -y python3.8\n", "python3.9", 2,
         "installs `python3.8`, not `python3.9`"),
        ("FROM ubuntu:20.04\nRUN apt-get install -y python3.8\n", "python3-pip", 2,
         "no apt install names `python3-pip`"),
        ("FROM ubuntu:20.04\nRUN apt-get install -y python-pip\n", "python3-pip", 2,
         "installs `python-pip`, not `python3-pip`"),
        ("FROM ubuntu:20.04\nRUN curl -sS https://bootstrap.pypa.io/get-pip.py | python3.8\n", "python3-pip", None,
         "no `apt-get install`"),
    ],
    ids=["no-apt-install", "python3-only", "python3.9", "unrelated-packages", "removed-not-installed",
         "earlier-stage-only", "other-package", "pip-missing", "python2-pip", "get-pip"],
)
def test_fails(dockerfile, package, line, says):
    assert_fails(check, dockerfile, line=line, says=says, package=package)


def test_quotes_the_command_as_written():
    assert_fails(check, "FROM x\nRUN apt-get install -y python3=3.8*\n", line=2,
                 says="`apt-get install -y python3=3.8*` installs `python3`", package="python3.8")


def test_lists_every_apt_install():
    dockerfile = "FROM x\nRUN apt-get install -y software-properties-common\nRUN apt-get install -y python3.8\n"
    assert_fails(check, dockerfile, line=2, says="(apt installs on lines 2, 3)", package="python3-pip")
