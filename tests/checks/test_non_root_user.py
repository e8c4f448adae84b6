import pytest

from graders.checks.static.non_root_user import check
from tests.checks.helpers import assert_fails, assert_passes

BASE = "FROM python:3.8.12-slim\n"


@pytest.mark.parametrize(
    "dockerfile",
    [
        BASE + "RUN useradd --uid 10000 runner\nUSER 10000\n",
        BASE + "RUN useradd -u 10000 -m runner\nUSER runner\n",
        BASE + "RUN useradd -u10000 runner\nUSER runner:runner\n",
        BASE + "RUN useradd --uid=10000 --no-log-init runner\nUSER 10000:10000\n",
        BASE + 'RUN adduser --uid 10000 --disabled-password --gecos "" runner\nUSER runner\n',
        BASE + "RUN groupadd --gid 10000 runner && \\\n    # then the user\n"
               "    useradd --uid 10000 --gid runner --create-home runner\nUSER 10000:runner\n",
        BASE + "RUN <<EOF\nset -e\nuseradd --uid 10000 runner\nEOF\nUSER 10000\n",
        BASE + "RUN [\"sh\", \"-c\", \"useradd -u 10000 runner\"]\nUSER 10000\n",
        "from python:3.8.12-slim\r\nrun useradd -u 10000 runner\r\nuser root\r\nrun true\r\nuser runner\r\n",
        BASE.replace("\n", " AS base\n") + "RUN useradd -u 10000 runner\nFROM base\nUSER 10000\n",
    ],
    ids=["uid-long", "uid-short-by-name", "uid-glued-name-group", "uid-equals-uid-group", "adduser",
         "groupadd-chain-with-comment", "heredoc", "exec-form-sh-c", "lowercase-root-then-back-crlf",
         "created-in-parent-stage"],
)
def test_passes(dockerfile):
    assert_passes(check, dockerfile, uid=10000)


@pytest.mark.parametrize(
    ("dockerfile", "line", "says"),
    [
        (BASE + "RUN useradd runner\nUSER runner\n", 2, "creates runner with the next free uid; the uid 10000 is "
                                                        "required"),
        (BASE + "RUN useradd --uid 1000 runner\nUSER 10000\n", 2, "creates runner with uid 1000"),
        (BASE + "USER 10000\n", None, "no user with uid 10000 is created"),
        (BASE + "RUN useradd -u 10000 runner\n", None, "no USER: the container runs as root"),
        (BASE + "RUN useradd -u 10000 runner\nUSER root\n", 3, "makes the container run as root"),
        (BASE + "RUN useradd -u 10000 runner\nUSER 0\n", 3, "run as root"),
        (BASE + "RUN useradd -u 10000 runner\nUSER 10000\nRUN true\nUSER root\n", 5,
         "(after `USER 10000` on line 3) makes the container run as root"),
        (BASE + "RUN useradd -u 10000 runner\nUSER nobody\n", 3, "runs the container as nobody, not as runner"),
        ("FROM python:3.8.12-slim AS build\nRUN useradd -u 10000 runner\n" + BASE + "USER 10000\n", None,
         "no user with uid 10000"),
    ],
    ids=["no-uid", "other-uid", "no-useradd", "no-user", "root", "uid-zero", "root-after-user", "other-user",
         "created-in-unrelated-stage"],
)
def test_fails(dockerfile, line, says):
    assert_fails(check, dockerfile, line=line, says=says, uid=10000)


def test_reads_the_uid_from_its_parameter():
    dockerfile = BASE + "RUN useradd --uid 2000 app\nUSER 2000\n"
    assert_passes(check, dockerfile, uid=2000)
    assert_fails(check, dockerfile, line=2, says="creates app with uid 2000; the uid 10000 is required", uid=10000)


@pytest.mark.parametrize("user", ["runner", "10000"])
def test_clustered_options_name_the_user(user):
    # useradd reads -ms as -m (a flag) then -s /bin/bash: the user is runner, not /bin/bash
    assert_passes(check, BASE + f"RUN useradd --uid 10000 -ms /bin/bash runner\nUSER {user}\n", uid=10000)
