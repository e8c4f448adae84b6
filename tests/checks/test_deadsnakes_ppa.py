import pytest

from graders.checks.static.deadsnakes_ppa import check
from tests.checks.helpers import assert_fails, assert_passes

EXERCISE = {"ppa": "ppa:deadsnakes/ppa", "python_package": "python3.8"}
TASK1 = """
FROM ubuntu:20.04
RUN apt-get update
RUN apt-get -y install software-properties-common
RUN add-apt-repository ppa:deadsnakes/ppa
RUN apt-get update
RUN apt-get install -y python3.8
"""


@pytest.mark.parametrize(
    "dockerfile",
    [
        TASK1,
        """
        FROM ubuntu:20.04
        RUN apt-get update \\
         && apt-get install -y --no-install-recommends software-properties-common \\
         # python 3.8 comes from the PPA
         && add-apt-repository -y ppa:deadsnakes/ppa \\
         && apt-get update \\
         && apt-get install -y --no-install-recommends python3.8=3.8.12-1+focal1 python3-pip \\
         && rm -rf /var/lib/apt/lists/*
        """,
        "FROM x\nRUN apt install -y software-properties-common && add-apt-repository --yes ppa:deadsnakes/ppa "
        "&& apt update && apt install -y python3.8\n",
        "FROM x\nRUN <<EOF\napt-get install -y software-properties-common\nadd-apt-repository -y ppa:deadsnakes/ppa\n"
        "apt-get update\napt-get install -y python3.8\nEOF\n",
        'FROM x\nrun apt-get install -y software-properties-common\nrun add-apt-repository "ppa:deadsnakes/ppa" -y\n'
        "run apt-get -qq update\nrun apt-get install -y python3.8\n",
        "FROM x\nRUN sh -c 'apt-get install -y software-properties-common && add-apt-repository -y ppa:deadsnakes/ppa'"
        '\nRUN ["apt-get", "update"]\nRUN apt-get install -y python3.8\n',
        "FROM x\nRUN apt-get install -y python3.8 software-properties-common\nRUN add-apt-repository -y "
        "ppa:deadsnakes/ppa && apt-get update && apt-get install -y python3.8\n",
        TASK1.replace("\n", "\r\n"),
        "FROM ubuntu AS build\nRUN true\n" + TASK1,
    ],
    ids=["task1-separate-runs", "task2-one-run", "apt-and-yes", "heredoc", "quoted-ppa-option-last-lowercase",
         "sh-c-and-exec-form", "installed-again-after-ppa", "crlf", "multi-stage"],
)
def test_passes(dockerfile):
    assert_passes(check, dockerfile, **EXERCISE)


def test_passes_with_other_parameters():
    dockerfile = TASK1.replace("deadsnakes", "example").replace("python3.8", "python3.9")
    assert_passes(check, dockerfile, ppa="ppa:example/ppa", python_package="python3.9")


@pytest.mark.parametrize(
    ("dockerfile", "line", "says"),
    [
        ("FROM ubuntu:20.04\nRUN apt-get update && apt-get install -y python3.8\n", None,
         "no `add-apt-repository -y ppa:deadsnakes/ppa`"),
        (TASK1.replace("ppa:deadsnakes/ppa", "ppa:fkrull/deadsnakes"), None, "no `add-apt-repository"),
        (TASK1.replace("software-properties-common", "curl"), 4, "which is never apt-installed"),
        (
            "FROM x\nRUN add-apt-repository -y ppa:deadsnakes/ppa\nRUN apt-get install -y software-properties-common"
            "\nRUN apt-get update\nRUN apt-get install -y python3.8\n",
            2,
            "`add-apt-repository` runs before `software-properties-common` is installed (line 3)",
        ),
        (
            "FROM x\nRUN apt-get install -y software-properties-common python3.8\n"
            "RUN add-apt-repository -y ppa:deadsnakes/ppa\nRUN apt-get update\n",
            2,
            "`python3.8` is installed before the PPA is added (line 3)",
        ),
        (TASK1.replace("python3.8", "python3"), 4, "no apt install names `python3.8`"),
        (
            "FROM x\nRUN apt-get install -y software-properties-common\nRUN add-apt-repository -y ppa:deadsnakes/ppa"
            "\nRUN apt-get install -y python3.8\n",
            4,
            "no `apt-get update` between adding the PPA (line 3) and installing python3.8 (line 4)",
        ),
        (
            "FROM x\nRUN apt-get update && apt-get install -y software-properties-common\n"
            "RUN add-apt-repository -y ppa:deadsnakes/ppa && apt-get install -y python3.8 && apt-get update\n",
            3,
            "no `apt-get update` between adding the PPA (line 3)",
        ),
        (
            "FROM x\nRUN <<EOF\napt-get install -y software-properties-common\nadd-apt-repository -y ppa:deadsnakes/ppa"
            "\napt-get install -y python3.8\nEOF\n",
            5,
            "installing python3.8 (line 5)",
        ),
        (TASK1 + "FROM ubuntu:20.04\nRUN apt-get update && apt-get install -y python3.8\n", None,
         "no `add-apt-repository"),
    ],
    ids=["no-ppa", "other-ppa", "tools-missing", "tools-after-ppa", "python-before-ppa", "python-missing",
         "no-update", "update-after-python", "heredoc-no-update", "ppa-in-earlier-stage-only"],
)
def test_fails(dockerfile, line, says):
    assert_fails(check, dockerfile, line=line, says=says, **EXERCISE)


@pytest.mark.parametrize(
    "dockerfile",
    [
        TASK1,
        "FROM x\nRUN apt-get -y update && apt-get install -y software-properties-common "
        "&& add-apt-repository -y ppa:deadsnakes/ppa && apt-get update && apt-get install -y python3.8\n",
        "FROM x\nRUN apt update\nRUN apt install -y software-properties-common && add-apt-repository -y "
        "ppa:deadsnakes/ppa && apt update && apt install -y python3.8\n",
    ],
    ids=["task1-separate-runs", "one-run", "apt-in-two-runs"],
)
def test_first_update_passes_when_an_update_comes_first(dockerfile):
    assert_passes(check, dockerfile, **EXERCISE, first_update=True)


@pytest.mark.parametrize(
    ("dockerfile", "line"),
    [
        ("FROM x\nRUN apt-get install -y software-properties-common && add-apt-repository -y ppa:deadsnakes/ppa "
         "&& apt-get update && apt-get install -y python3.8\n", 2),
        ("FROM x\nRUN apt-get install -y software-properties-common\nRUN apt-get update\n"
         "RUN add-apt-repository -y ppa:deadsnakes/ppa\nRUN apt-get update && apt-get install -y python3.8\n", 2),
    ],
    ids=["no-update-first", "update-after-the-tools"],
)
def test_first_update_fails_without_an_update_before_the_tools(dockerfile, line):
    assert_fails(check, dockerfile, line=line, says=f"line {line}: `apt-get install -y software-properties-common` "
                 "runs before any `apt-get update`: the task's apt sequence starts with `apt-get -y update`",
                 **EXERCISE, first_update=True)
    assert_passes(check, dockerfile, **EXERCISE)
