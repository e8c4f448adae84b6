import pytest

from graders.checks.static.debian_frontend_arg import check
from tests.checks.helpers import assert_fails, assert_passes

EXERCISE = {"name": "DEBIAN_FRONTEND", "value": "noninteractive"}


@pytest.mark.parametrize(
    "dockerfile",
    [
        "FROM ubuntu:20.04\nARG DEBIAN_FRONTEND=noninteractive\nRUN apt-get update\n",
        'from ubuntu:20.04\r\narg DEBIAN_FRONTEND="noninteractive"\r\nrun apt-get update\r\n',
        "FROM ubuntu:20.04\nARG DEBIAN_FRONTEND='noninteractive' TZ=Etc/UTC\nRUN apt-get update\n",
        "FROM python:3.8.12\nARG DEBIAN_FRONTEND=noninteractive\nRUN pip install poetry\n",
        "ARG DEBIAN_FRONTEND=noninteractive\nFROM ubuntu:20.04\nARG DEBIAN_FRONTEND\nRUN apt-get update\n",
        "FROM ubuntu:20.04\nARG DEBIAN_FRONTEND=noninteractive\nRUN <<EOF\napt-get update\napt-get install -y x\nEOF\n",
        "FROM ubuntu:20.04 AS build\nRUN apt-get update\n"
        "FROM ubuntu:20.04\nARG DEBIAN_FRONTEND=noninteractive\nRUN apt-get update\n",
    ],
    ids=[
        "plain", "lowercase-quoted-crlf", "single-quoted-with-another-arg", "no-apt-command", "global-redeclared",
        "heredoc-run", "earlier-stage-apt-ignored",
    ],
)
def test_passes(dockerfile):
    assert_passes(check, dockerfile, **EXERCISE)


@pytest.mark.parametrize(
    ("dockerfile", "line", "says"),
    [
        ("FROM ubuntu:20.04\nENV DEBIAN_FRONTEND=noninteractive\nRUN apt-get update\n", 2,
         "persists into every container and child image"),
        ("FROM ubuntu:20.04\nARG DEBIAN_FRONTEND=noninteractive\nRUN apt-get update\n"
         "ENV DEBIAN_FRONTEND noninteractive\n", 4, "replace it with `ARG DEBIAN_FRONTEND=noninteractive`"),
        ("FROM ubuntu:20.04 AS build\nENV DEBIAN_FRONTEND=noninteractive\n"
         "FROM ubuntu:20.04\nARG DEBIAN_FRONTEND=noninteractive\n", 2, "sets DEBIAN_FRONTEND with ENV"),
        ("FROM ubuntu:20.04\nRUN apt-get update && \\\n    DEBIAN_FRONTEND=noninteractive apt-get install -y x\n", 3,
         "fine at runtime, but the exercise asks for `ARG DEBIAN_FRONTEND=noninteractive`"),
        ("FROM ubuntu:20.04\nRUN apt-get update\nARG DEBIAN_FRONTEND=noninteractive\n", 2,
         "`apt-get update` runs before `ARG DEBIAN_FRONTEND=noninteractive` (line 3)"),
        ("FROM ubuntu:20.04\nRUN sh -c 'add-apt-repository -y ppa:deadsnakes/ppa'\n"
         "ARG DEBIAN_FRONTEND=noninteractive\n", 2, "runs before"),
        ("FROM ubuntu:20.04\nRUN <<EOF\necho start\napt-get update\nEOF\nARG DEBIAN_FRONTEND=noninteractive\n", 4,
         "runs before"),
        ("FROM ubuntu:20.04\nRUN [\"apt-get\", \"update\"]\nARG DEBIAN_FRONTEND=noninteractive\n", 2, "runs before"),
        ("FROM python:3.8.12\nRUN pip install poetry\n", 1, "no `ARG DEBIAN_FRONTEND=noninteractive`"),
        ("ARG DEBIAN_FRONTEND=noninteractive\nFROM ubuntu:20.04\nRUN apt-get update\n", 1,
         "visible to FROM lines only"),
        ("FROM ubuntu:20.04\nARG DEBIAN_FRONTEND=teletype\n", 2, "the value `teletype`"),
        ("FROM ubuntu:20.04 AS build\nARG DEBIAN_FRONTEND=noninteractive\nFROM ubuntu:20.04\nRUN apt-get update\n", 3,
         "in the final stage"),
    ],
    ids=[
        "env", "env-after-arg", "env-in-earlier-stage", "per-command-assignment", "arg-after-apt",
        "arg-after-add-apt-repository-in-sh-c", "arg-after-heredoc-apt", "arg-after-exec-form-apt", "missing",
        "global-arg-only", "other-value", "arg-in-earlier-stage-only",
    ],
)
def test_fails(dockerfile, line, says):
    assert_fails(check, dockerfile, line=line, says=says, **EXERCISE)


def test_reads_the_variable_and_its_value_from_its_parameters():
    dockerfile = "FROM debian:12\nARG APT_LISTCHANGES_FRONTEND=none\nRUN apt-get update\n"
    assert_passes(check, dockerfile, name="APT_LISTCHANGES_FRONTEND", value="none")
    assert_fails(check, dockerfile, line=2, says="gives APT_LISTCHANGES_FRONTEND the value `none`; write "
                 "`ARG APT_LISTCHANGES_FRONTEND=mail`", name="APT_LISTCHANGES_FRONTEND", value="mail")
