import pytest

from graders.checks.static.no_install_recommends import check
from tests.checks.helpers import assert_fails, assert_passes


@pytest.mark.parametrize(
    "dockerfile",
    [
        "FROM x\nRUN apt-get update && apt-get install -y --no-install-recommends python3.8 python3-pip\n",
        "FROM x\nRUN apt install --no-install-recommends -y curl\n",
        "FROM x\nRUN apt-get --no-install-recommends install -y curl\n",
        "FROM x\nRUN apt-get install -y -o APT::Install-Recommends=false curl\n",
        "FROM x\nRUN apt-get install -y -o APT::Install-Recommends=0 curl\n",
        "FROM x\nRUN apt-get install -y --option=APT::Install-Recommends=false curl\n",
        "FROM x\nRUN pip install --no-cache-dir poetry && poetry install --no-dev\n",
        "FROM x\nRUN apt-get update\n",
        "FROM x AS build\nRUN apt-get install -y gcc\nFROM y\nRUN apt-get install -y --no-install-recommends curl\n",
        "FROM x\nRUN <<EOF\napt-get update\napt-get install -y --no-install-recommends curl\nEOF\n",
        "FROM x\r\nrun apt-get update \\\r\n # curl only\r\n && apt-get install -y --no-install-recommends curl\r\n",
    ],
    ids=["flag", "apt", "flag-before-action", "option-false", "option-zero", "long-option", "no-apt-install",
         "update-only", "earlier-stage-without", "heredoc", "lowercase-crlf-comment"],
)
def test_passes(dockerfile):
    assert_passes(check, dockerfile)


@pytest.mark.parametrize(
    ("dockerfile", "line", "says"),
    [
        ("FROM x\nRUN apt-get install -y python3.8\n", 2,
         "line 2: `apt-get install -y python3.8` installs recommended packages too; add `--no-install-recommends`"),
        ("FROM x\nRUN apt install -y curl\n", 2, "`apt install -y curl`"),
        ("FROM x\nRUN apt-get install -y -o APT::Install-Recommends=true curl\n", 2, "--no-install-recommends"),
        ("FROM x\nRUN apt-get install -y --no-install-suggests curl\n", 2, "installs recommended packages"),
        (
            "FROM x\nRUN apt-get update \\\n && apt-get install -y --no-install-recommends curl \\\n"
            " && apt-get install -y python3.8\n",
            4,
            "`apt-get install -y python3.8`",
        ),
        (
            "FROM x\nRUN apt-get install -y a\nRUN apt-get install -y --no-install-recommends b\n"
            "RUN apt-get install -y c\nRUN apt install d\n",
            2,
            "(3 apt installs lack it: lines 2, 4, 5)",
        ),
        ("FROM x\nRUN sh -c 'apt-get update && apt-get install -y curl'\n", 2, "`apt-get install -y curl`"),
        ("FROM x\nRUN apt-get install --no-install-recommends -y a\nFROM y\nRUN apt-get install -y b\n", 4,
         "`apt-get install -y b`"),
    ],
    ids=["missing", "apt", "option-true", "suggests-only", "second-of-one-run", "several", "sh-c",
         "final-stage-only"],
)
def test_fails(dockerfile, line, says):
    assert_fails(check, dockerfile, line=line, says=says)
