"""The one model of a Dockerfile that every check reads."""

from __future__ import annotations

import dataclasses
import json
import re
import shlex
from collections.abc import Iterator
from dataclasses import dataclass, field

from .lexer import Heredoc, RawInstruction, heredoc_markers, lex
from .shell import SHELLS, Command, Script, expand, parse_script

KNOWN_INSTRUCTIONS = frozenset(
    "ADD ARG CMD COPY ENTRYPOINT ENV EXPOSE FROM HEALTHCHECK LABEL MAINTAINER ONBUILD RUN SHELL STOPSIGNAL USER "
    "VOLUME WORKDIR".split()
)
_FLAG = re.compile(r"--[A-Za-z][A-Za-z0-9-]*(=\S*)?\s*")


@dataclass(frozen=True)
class Problem:
    line: int
    message: str
    stops_build: bool = False  # every builder, BuildKit too, refuses the file there


@dataclass(frozen=True)
class Instruction:
    keyword: str  # upper case, as Docker reads it
    value: str  # the arguments, without leading --flags
    line: int
    end_line: int
    stage: int  # -1 before the first FROM
    flags: tuple[str, ...] = ()
    exec_form: tuple[str, ...] | None = None
    json_error: str | None = None  # looked like a JSON array, is not one: Docker runs it in shell form
    script: Script | None = None  # RUN only
    heredocs: tuple[Heredoc, ...] = ()
    variables: dict[str, str] = field(default_factory=dict, compare=False, repr=False)

    @property
    def commands(self) -> tuple[Command, ...]:
        return self.script.commands if self.script else ()

    @property
    def source(self) -> str:
        return f"{self.keyword} {' '.join(self.flags + (self.value,))}".strip()

    def key_values(self) -> list[tuple[str, str]]:
        """ENV / ARG / LABEL pairs, in both `K V` and `K=V K2="v 2"` spellings."""
        return parse_key_values(self.value, legacy_space_form=self.keyword == "ENV")


@dataclass(frozen=True)
class Stage:
    index: int
    base: str  # FROM's image, ARGs substituted
    name: str | None
    line: int
    instructions: tuple[Instruction, ...]

    def all(self, keyword: str) -> list[Instruction]:
        return [i for i in self.instructions if i.keyword == keyword]

    def last(self, keyword: str) -> Instruction | None:
        found = self.all(keyword)
        return found[-1] if found else None

    @property
    def runs(self) -> list[Instruction]:
        return self.all("RUN")

    def commands(self) -> Iterator[tuple[Instruction, Command]]:
        for run in self.runs:
            for command in run.commands:
                yield run, command


@dataclass(frozen=True)
class Dockerfile:
    instructions: tuple[Instruction, ...]
    stages: tuple[Stage, ...]
    directives: dict[str, str]
    problems: tuple[Problem, ...]

    @property
    def final(self) -> Stage:
        """The stage that becomes the image; an empty stage when the file has no FROM."""
        return self.stages[-1] if self.stages else Stage(0, "", None, 0, ())

    @property
    def lineage(self) -> tuple[Stage, ...]:
        """The final stage and the stages it is built `FROM`, oldest first: the image inherits all of them."""
        if not self.stages:
            return ()
        chain = [self.final]
        while True:
            base = chain[-1].base.lower()
            parent = next((s for s in reversed(self.stages[: chain[-1].index]) if s.name == base), None)
            if parent is None:
                return tuple(reversed(chain))
            chain.append(parent)

    @property
    def image(self) -> Stage:
        """The lineage as one stage: every instruction that builds the image, the ancestor stages' RUNs included."""
        lineage = self.lineage
        if len(lineage) <= 1:
            return self.final
        final = self.final
        return Stage(final.index, lineage[0].base, final.name, final.line,
                     tuple(instruction for stage in lineage for instruction in stage.instructions))

    def inherited(self, keyword: str) -> list[Instruction]:
        """The instructions of `keyword` that shape the final image, in file order."""
        return [instruction for stage in self.lineage for instruction in stage.all(keyword)]

    @property
    def shell_errors(self) -> list[Problem]:
        return [Problem(i.line, i.script.error) for i in self.final.runs if i.script and i.script.error]


def parse(text: str) -> Dockerfile:
    lexed = lex(text)
    instructions: list[Instruction] = []
    problems: list[Problem] = []
    global_args: dict[str, str] = {}
    stage_env: dict[str, dict[str, str]] = {}  # ENV of each named stage, inherited by `FROM <stage>`
    variables: dict[str, str] = {}
    env: dict[str, str] = {}
    scope: dict[str, str] | None = None  # the instructions' copy of `variables`, shared until ENV, ARG or FROM
    stage = -1
    for raw in lexed.instructions:
        keyword = raw.keyword.upper()
        if keyword not in KNOWN_INSTRUCTIONS:
            problems.append(Problem(raw.line, f"unknown instruction `{raw.keyword}`", stops_build=True))
            continue
        if keyword == "FROM":
            stage += 1
            words = expand(raw.arguments, global_args).split()
            env = dict(stage_env.get(words[0].lower(), {})) if words else {}
            variables = dict(env)
            if len(words) >= 3 and words[1].lower() == "as":
                stage_env[words[2].lower()] = env
        elif stage < 0 and keyword != "ARG":
            problems.append(Problem(raw.line, f"`{keyword}` before the first FROM", stops_build=True))
        if scope is None or keyword == "FROM":
            scope = dict(variables)  # one copy per change, not per instruction: 30,000 ENV names x 3,000 RUNs
        instruction = _build(raw, keyword, stage, scope)
        instructions.append(instruction)
        if instruction.json_error:
            problems.append(Problem(raw.line, instruction.json_error))
        if keyword in ("ENV", "ARG"):
            scope = None
        if keyword == "ENV":  # `ENV A=2 B=$A`: B gets A's value from before this ENV, as Docker does
            for key, value in instruction.key_values():
                env[key] = variables[key] = expand(value, instruction.variables)
        elif keyword == "ARG":
            for key, value, has_default in _arg_declarations(instruction.value):
                if stage < 0:
                    global_args[key] = variables[key] = expand(value, variables)
                elif has_default:
                    variables[key] = expand(value, variables)
                else:  # a bare `ARG NAME` in a stage brings in the global default, if any
                    variables[key] = global_args.get(key, variables.get(key, ""))
    if not any(i.keyword == "FROM" for i in instructions):
        problems.append(Problem(1, "no FROM instruction: this is not a buildable Dockerfile"))
    return Dockerfile(tuple(instructions), _stages(instructions, global_args), lexed.directives, tuple(problems))


def _arg_declarations(value: str) -> list[tuple[str, str, bool]]:
    """`ARG A B=2` declares A without a default and B with one."""
    try:
        words = shlex.split(value)
    except ValueError:
        return []
    return [(word.partition("=")[0], word.partition("=")[2], "=" in word) for word in words]


def parse_key_values(value: str, legacy_space_form: bool = False) -> list[tuple[str, str]]:
    try:
        words = shlex.split(value)
    except ValueError:
        return []
    if not words:
        return []
    if "=" not in words[0]:
        if legacy_space_form or len(words) == 1:
            return [(words[0], " ".join(words[1:]))]
        return [(word, "") for word in words]
    return [word.partition("=")[::2] if "=" in word else (word, "") for word in words]


def split_flags(keyword: str, arguments: str) -> tuple[tuple[str, ...], int]:
    """The leading `--flag[=value]` words of an instruction that takes them, and where its value starts."""
    flags: list[str] = []
    end = 0
    if keyword in ("RUN", "COPY", "ADD", "FROM"):
        while match := _FLAG.match(arguments, end):
            flags.append(match.group(0).strip())
            end = match.end()
    return tuple(flags), end


def _build(raw: RawInstruction, keyword: str, stage: int, variables: dict[str, str]) -> Instruction:
    arguments = raw.arguments
    flags, flags_end = split_flags(keyword, arguments)
    value = arguments[flags_end:]
    exec_form, json_error = _exec_form(keyword, value)
    script = None
    if keyword == "RUN":
        script = _run_script(raw, value, flags_end, exec_form, variables)
    return Instruction(
        keyword, value, raw.line, raw.end_line, stage, flags, exec_form, json_error, script, raw.heredocs, variables,
    )


def _exec_form(keyword: str, value: str) -> tuple[tuple[str, ...] | None, str | None]:
    if keyword not in ("RUN", "CMD", "ENTRYPOINT", "SHELL", "HEALTHCHECK") or not value.startswith("["):
        return None, None
    try:
        parsed = json.loads(value)
    except json.JSONDecodeError as error:
        return None, f"`{keyword} {value}` is not valid JSON ({error.msg}); Docker runs it as a shell command"
    if not isinstance(parsed, list) or not all(isinstance(word, str) for word in parsed):
        return None, f"`{keyword} {value}` is not a JSON array of strings; Docker runs it as a shell command"
    return tuple(parsed), None


def _run_script(
    raw: RawInstruction, value: str, flags_end: int, exec_form: tuple[str, ...] | None, variables: dict[str, str]
) -> Script:
    if exec_form is not None:
        return parse_script(shlex.join(exec_form), lambda _offset: raw.line, variables)
    if raw.heredocs:
        return _heredoc_script(raw, value, variables)
    return parse_script(value, lambda offset: raw.line_at(offset + flags_end), variables)


def _heredoc_script(raw: RawInstruction, value: str, variables: dict[str, str]) -> Script:
    """`RUN <<EOF` runs its body as a script; `RUN bash <<EOF` feeds it to a shell; `RUN python3 <<EOF` does not."""
    first = raw.heredocs[0]
    body_script = parse_script(first.body, lambda offset: first.line + first.body.count("\n", 0, offset), variables)
    markers = heredoc_markers(value)
    if len(value.split()) == 1 and markers:
        if first.body.startswith("#!") and not any(s in first.body.split("\n", 1)[0] for s in SHELLS):
            return Script((), 0)
        return body_script
    line_text = " ".join(w for w in value.split() if not w.startswith("<<"))
    outer = parse_script(line_text, lambda _offset: raw.line, variables)
    readers = [c for c in outer.commands if c.name in SHELLS and not _has_operand(c)]
    if outer.error or not readers:
        return outer
    # Like `sh -c`, the shell that reads the heredoc stands for the statements of its body.
    shift = readers[0].statement - 1
    kept = tuple(c for c in outer.commands if c is not readers[0])
    body = tuple(dataclasses.replace(c, statement=c.statement + shift) for c in body_script.commands)
    return Script(kept + body, outer.statements - 1 + body_script.statements, body_script.error)


def _has_operand(command: Command) -> bool:
    return any(not word.startswith("-") for word in command.argv[1:])


def _stages(instructions: list[Instruction], global_args: dict[str, str]) -> tuple[Stage, ...]:
    stages = []
    for instruction in instructions:
        if instruction.keyword != "FROM":
            continue
        words = instruction.value.split()
        base = expand(words[0], global_args) if words else ""
        name = words[2].lower() if len(words) >= 3 and words[1].lower() == "as" else None  # Docker ignores case
        members = tuple(i for i in instructions if i.stage == instruction.stage)
        stages.append(Stage(instruction.stage, base, name, instruction.line, members))
    return tuple(stages)
