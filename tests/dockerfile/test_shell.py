"""RUN bodies as shell commands: lists, pipelines, nesting, assignments, and what bashlex cannot parse."""

import pytest

from graders.dockerfile.shell import parse_script


def script(text, variables=None):
    return parse_script(text, lambda offset: offset, variables or {})


@pytest.mark.parametrize(
    ("text", "statements"),
    [
        ("a", 1),
        ("curl x | bash", 1),
        ("a && b || c; d & e\nf", 6),
        ("sh -c 'a && b' && c", 3),
        ("bash -ec 'a; b'", 2),
        ("if true; then apt-get install -y x; fi", 2),
        ("(cd x && make)", 2),
        ("[[ -f x ]] && echo hi | cat", 2),
        ("", 0),
    ],
)
def test_statements_count_pipelines_as_one(text, statements):
    assert script(text).statements == statements


def test_assignments_are_the_commands_environment():
    command = script("DEBIAN_FRONTEND=noninteractive PIP_NO_CACHE_DIR=1 apt-get install -y x").commands[0]
    assert command.env == {"DEBIAN_FRONTEND": "noninteractive", "PIP_NO_CACHE_DIR": "1"}
    assert command.argv == ("apt-get", "install", "-y", "x")
    assert command.name == "apt-get"


def test_quotes_are_removed_and_known_variables_expanded():
    command = script("pip install 'uvicorn[standard]==0.17.6' \"fastapi==$V\" ${X:-dflt} $UNKNOWN", {"V": "0.78.0"})
    assert command.commands[0].argv[2:] == ("uvicorn[standard]==0.17.6", "fastapi==0.78.0", "dflt", "$UNKNOWN")


def test_commands_map_to_their_lines():
    parsed = parse_script("a && b && c", lambda offset: 1 if offset < 5 else 2, {})
    assert [c.line for c in parsed.commands] == [1, 2, 2]


def test_program_name_is_the_basename():
    assert script("/usr/bin/python3.8 -m pip install x").commands[0].name == "python3.8"


@pytest.mark.parametrize("text", ["echo 'oops", 'echo "oops', "[[ a ]] && echo 'oops"])
def test_unterminated_quotes_are_reported_not_raised(text):
    parsed = script(text)
    assert parsed.error and "unterminated" in parsed.error
    assert parsed.commands == ()


@pytest.mark.parametrize("text", ["(" * 5000 + "true" + ")" * 5000, "$(echo " * 3000 + "x" + ")" * 3000])
def test_nesting_past_pythons_stack_falls_back_to_the_tokenizer(text):
    parsed = script(text)
    assert parsed.error is None and parsed.commands


def test_words_keep_their_quotes_as_written():
    command = script("rm -rf \"/var/lib/apt/lists/*\" '/tmp/*' /x/\\* /y/*").commands[0]
    assert command.argv[2:] == ("/var/lib/apt/lists/*", "/tmp/*", "/x/*", "/y/*")
    assert command.written[2:] == ("\"/var/lib/apt/lists/*\"", "'/tmp/*'", "/x/\\*", "/y/*")
