import pytest

from graders.checks.static.one_command_per_run import check
from tests.checks.helpers import assert_fails, assert_passes


@pytest.mark.parametrize(
    "dockerfile",
    [
        """
        FROM ubuntu:20.04
        RUN apt-get update
        RUN apt-get -y install software-properties-common
        RUN add-apt-repository ppa:deadsnakes/ppa
        """,
        "FROM x\nRUN curl -sSL https://example.org/install.sh | bash\n",
        'FROM x\nRUN ["apt-get", "update"]\n',
        'FROM x\nRUN sh -c "apt-get update"\n',
        "FROM x\nRUN <<EOF\napt-get update\nEOF\n",
        "FROM x\nRUN echo 'a && b; c'\n",
        "FROM x\nRUN apt-get install -y \\\n    # the interpreter\n    python3.8\n",
        "FROM x\nrun apt-get update\n",
        "FROM x\r\nRUN apt-get update\r\n",
        "FROM x\nCMD [\"uvicorn\"]\n",
        "FROM x AS build\nRUN make && make install\nFROM y\nRUN apt-get update\n",
        "FROM x\nRUN bash <<EOF\napt-get update\nEOF\n",
    ],
    ids=["one-per-run", "pipeline", "exec-form", "sh-c-one", "heredoc-one-line", "quoted-operators",
         "continuation-with-comment", "lowercase", "crlf", "no-run", "earlier-stage-fat",
         "bash-heredoc-one-line"],
)
def test_passes(dockerfile):
    assert_passes(check, dockerfile)


@pytest.mark.parametrize(
    ("dockerfile", "line", "says"),
    [
        ("FROM x\nRUN apt-get update && apt-get install -y python3.8\n", 2, "holds 2 commands"),
        ("FROM x\nRUN apt-get update || true\n", 2, "holds 2 commands"),
        ("FROM x\nRUN apt-get update; apt-get install -y python3.8\n", 2, "split it into 2 RUN"),
        ("FROM x\nRUN apt-get update & wait\n", 2, "holds 2 commands"),
        ("FROM x\nRUN <<EOF\napt-get update\napt-get install -y python3.8\nEOF\n", 2, "holds 2 commands"),
        ("FROM x\nRUN <<EOF\nset -e\napt-get update\napt-get install -y python3.8\nEOF\n", 2, "holds 3 commands"),
        ('FROM x\nRUN sh -c "apt-get update && apt-get install -y python3.8"\n', 2, "holds 2 commands"),
        ('FROM x\nRUN ["/bin/sh", "-c", "apt-get update; apt-get install -y python3.8"]\n', 2, "holds 2"),
        ("FROM x\nRUN curl -sSL https://example.org/x | bash && rm -f x\n", 2, "holds 2 commands"),
        (
            """
            FROM ubuntu:20.04
            RUN apt-get update \\
             && apt-get install -y python3.8 \\
             # pip too
             && apt-get install -y python3-pip
            """,
            2,
            "holds 3 commands",
        ),
        ("FROM x\nRUN a && b\nRUN c\nrun d; e\nRUN f || g\n", 2, "(so do the RUNs of lines 4, 5)"),
        ("FROM x\nRUN\n", 2, "runs no command"),
        ("FROM x AS build\nRUN make\nFROM y\nRUN apt-get update && apt-get install -y x\n", 4, "holds 2"),
    ],
    ids=["and", "or", "semicolon", "ampersand", "heredoc-two-lines", "heredoc-set-e", "sh-c-list", "exec-sh-c",
         "pipeline-then-and", "continuation-lines", "several-fat-runs", "empty-run", "final-stage-only"],
)
def test_fails(dockerfile, line, says):
    assert_fails(check, dockerfile, line=line, says=says)


def test_message_quotes_the_run_and_says_how_to_fix_it():
    result = assert_fails(check, "FROM x\nRUN apt-get update && apt-get install -y python3.8\n")
    assert result.message == (
        "line 2: `RUN apt-get update && apt-get install -y python3.8` holds 2 commands; the task wants one RUN per "
        "command, so split it into 2 RUN instructions"
    )


def test_one_more_fat_run_is_named():
    assert_fails(check, "FROM x\nRUN a && b\nRUN c; d\n", line=2, says="(so does the RUN of line 3)")
