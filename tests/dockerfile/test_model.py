"""The Dockerfile model: BuildKit's splitting rules, line numbers, stages, variables, exec form, heredocs."""

import pytest

from graders.dockerfile import parse


def keywords(text):
    return [(i.keyword, i.line) for i in parse(text).instructions]


def test_continuation_skips_comment_and_empty_lines_like_buildkit():
    dockerfile = parse("FROM x\nRUN apt-get update \\\n# why\n\n    && apt-get install -y curl\nEXPOSE 8000\n")
    run = dockerfile.final.runs[0]
    assert (run.line, run.end_line) == (2, 5)
    assert [(c.argv[:2], c.line) for c in run.commands] == [(("apt-get", "update"), 2), (("apt-get", "install"), 5)]
    assert keywords("FROM x\nRUN a \\\n# c\n  && b\nEXPOSE 8000\n")[-1] == ("EXPOSE", 5)


@pytest.mark.parametrize(
    ("text", "first_line"),
    [
        ("FROM x\r\nRUN a \\\r\n  && b\r\n", 2),
        ("\tfrom x\nrun a \\\n\t&& b\n", 2),
        ("# escape=`\nFROM x\nRUN a `\n  && b\n", 3),
    ],
    ids=["crlf", "tabs-lowercase", "escape-directive"],
)
def test_line_endings_case_and_escape_directive(text, first_line):
    run = parse(text).final.runs[0]
    assert [c.argv for c in run.commands] == [("a",), ("b",)]
    assert [c.line for c in run.commands] == [first_line, first_line + 1]


def test_heredoc_body_is_the_script_and_not_instructions():
    text = "FROM x\nRUN <<EOF\napt-get update\nRUN not-an-instruction\nEOF\nEXPOSE 8000\n"
    dockerfile = parse(text)
    assert keywords(text) == [("FROM", 1), ("RUN", 2), ("EXPOSE", 6)]
    assert [(c.argv, c.line) for c in dockerfile.final.runs[0].commands] == [
        (("apt-get", "update"), 3), (("RUN", "not-an-instruction"), 4)]


def test_heredoc_fed_to_a_shell_is_read_but_python_stdin_is_not():
    shell = parse("FROM x\nRUN bash <<EOF\npip install a\nEOF\n").final.runs[0]
    python = parse("FROM x\nRUN python3 <<EOF\nprint('pip install a')\nEOF\n").final.runs[0]
    assert ("pip", "install", "a") in [c.argv for c in shell.commands]
    assert [c.argv for c in python.commands] == [("python3",)]


def test_exec_form_and_invalid_json():
    dockerfile = parse('FROM x\nENTRYPOINT ["uvicorn"]\nCMD ["app.main:app", "--port"\n')
    entrypoint, cmd = dockerfile.final.last("ENTRYPOINT"), dockerfile.final.last("CMD")
    assert entrypoint.exec_form == ("uvicorn",)
    assert cmd.exec_form is None and "not valid JSON" in cmd.json_error
    assert dockerfile.problems[0].line == 3


def test_exec_form_run_with_sh_c_is_parsed_as_shell():
    run = parse('FROM x\nRUN ["sh", "-c", "apt-get update && apt-get install -y x"]\n').final.runs[0]
    assert [c.argv[1] for c in run.commands] == ["update", "install"]
    assert run.script.statements == 2


def test_stages_args_and_variables():
    text = (
        "ARG BASE=ubuntu:20.04\nFROM $BASE AS builder\nRUN true\nFROM python:3.8.12-slim\n"
        "ARG VERSION=0.78.0\nENV PIP_NO_CACHE_DIR=1 NAME=\"two words\"\nRUN pip install fastapi==${VERSION}\n"
    )
    dockerfile = parse(text)
    assert [(s.base, s.name) for s in dockerfile.stages] == [("ubuntu:20.04", "builder"), ("python:3.8.12-slim", None)]
    run = dockerfile.final.runs[0]
    assert run.commands[0].argv[-1] == "fastapi==0.78.0"
    assert run.variables["NAME"] == "two words"


@pytest.mark.parametrize(
    ("value", "pairs"),
    [
        ("PYTHONUNBUFFERED 1", [("PYTHONUNBUFFERED", "1")]),
        ("PYTHONUNBUFFERED=1", [("PYTHONUNBUFFERED", "1")]),
        ('A=1 PYTHONUNBUFFERED="1"', [("A", "1"), ("PYTHONUNBUFFERED", "1")]),
        ("MESSAGE hello world", [("MESSAGE", "hello world")]),
    ],
)
def test_env_spellings(value, pairs):
    assert parse(f"FROM x\nENV {value}\n").final.last("ENV").key_values() == pairs


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "no FROM"),
        ("FROM x\nFOO bar\n", "unknown instruction `FOO`"),
        ("RUN true\nFROM x\n", "before the first FROM"),
    ],
)
def test_problems(text, message):
    assert any(message in problem.message for problem in parse(text).problems)


def test_unterminated_quote_is_a_shell_error_with_its_line():
    dockerfile = parse("FROM x\nRUN echo 'oops\n")
    assert dockerfile.shell_errors[0].line == 2
    assert "unterminated ' quote" in dockerfile.shell_errors[0].message


def test_flags_are_split_from_the_value():
    run = parse("FROM x\nRUN --mount=type=cache,target=/root/.cache pip install a\n").final.runs[0]
    assert run.flags == ("--mount=type=cache,target=/root/.cache",)
    assert run.commands[0].argv == ("pip", "install", "a")


def test_global_args_reach_a_stage_only_when_redeclared():
    dockerfile = parse("ARG V=1\nFROM x\nRUN echo $V\nARG V\nRUN echo $V\n")
    first, second = dockerfile.final.runs
    assert first.commands[0].argv == ("echo", "$V")
    assert second.commands[0].argv == ("echo", "1")


def test_arg_with_several_names_and_defaults():
    run = parse("FROM x\nARG A B=2\nRUN echo $A-$B\n").final.runs[0]
    assert run.commands[0].argv == ("echo", "-2")


def test_env_is_inherited_from_the_parent_stage_and_lineage_follows_it():
    dockerfile = parse("FROM python AS Base\nENV PIP_NO_CACHE_DIR=1\nFROM other AS unrelated\nFROM base\nRUN pip install x\n")
    assert dockerfile.final.runs[0].variables["PIP_NO_CACHE_DIR"] == "1"
    assert [stage.index for stage in dockerfile.lineage] == [0, 2]
    assert [i.line for i in dockerfile.inherited("ENV")] == [2]


def test_the_image_stage_holds_the_lineages_instructions():
    dockerfile = parse("FROM python AS base\nRUN a\nFROM other AS unrelated\nRUN b\nFROM base\nRUN c\n")
    assert [run.line for run in dockerfile.image.runs] == [2, 6]
    assert dockerfile.image.base == "python" and dockerfile.image.line == dockerfile.final.line == 5
    single = parse("FROM x\nRUN a\n")
    assert single.image is single.final


def test_an_env_reads_the_values_from_before_it_and_each_instruction_sees_its_own_scope():
    dockerfile = parse("FROM x\nENV A=1\nRUN echo $A\nENV A=2 B=$A\nENV C=$A\nRUN echo $A $B $C\nFROM y\nRUN echo $A\n")
    runs = [run.commands[0].argv for run in dockerfile.instructions if run.keyword == "RUN"]
    assert runs == [("echo", "1"), ("echo", "2", "1", "2"), ("echo", "$A")]
    first, second = [run.variables for run in dockerfile.instructions if run.keyword == "RUN"][:2]
    assert first == {"A": "1"} and second == {"A": "2", "B": "1", "C": "2"}


def test_many_instructions_share_one_copy_of_a_large_scope():
    """30,000 ENV names and 3,000 RUNs: one copy of the scope per change, not per instruction (2.8 GB before)."""
    text = "FROM x\nENV " + " ".join(f"V{i}={i}" for i in range(30_000)) + "\n" + "RUN echo $V1\n" * 3_000
    runs = [i for i in parse(text).instructions if i.keyword == "RUN"]
    assert len({id(run.variables) for run in runs}) == 1 and runs[-1].commands[0].argv == ("echo", "1")
