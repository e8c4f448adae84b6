"""What a shell command means to the exercise: apt, pip, poetry, rm, add-apt-repository and useradd calls.

Each recognizer takes a `Command` and returns a typed call, or None when the command is something else.
`parse_options` reads a command's words as the command's own parser does, from the `OptionSyntax` of that
command below: GNU getopt_long (useradd, rm, aptitude), apt's own parser (apt-get, apt), optparse (pip),
cleo (poetry), optparse and argparse (add-apt-repository), Getopt::Long and BusyBox (adduser). All of them read
options after operands too; only `poetry run PROGRAM` gives every word after PROGRAM to PROGRAM.
"""

from __future__ import annotations

import re
from collections import deque
from dataclasses import dataclass

from .shell import Command, expands_glob


@dataclass(frozen=True)
class OptionSyntax:
    """How one command's parser reads options. The defaults are GNU getopt_long's: `-rf` is `-r -f`, a value is
    attached (`-u10000`, `--uid=10000`) or the next word, whatever it starts with, and `--` ends the options."""

    value_letters: str = ""  # short options that take a value: `-u 10000`, `-u10000`, `-mu 10000`, `-mu10000`
    value_names: frozenset[str] = frozenset()  # long options that take a value: `--uid 10000`, `--uid=10000`
    # The long options without a value, given only when they and value_names are the parser's complete table:
    # then an unambiguous prefix names its option (`--rec` is `--recursive`), as in getopt_long. None: names are whole.
    flag_names: frozenset[str] | None = None
    optional_value_letters: str = ""  # a value only when attached (getopt's `q::`): `-q2`; in `-qy`, `y` is -q's
    equals_after_letter: bool = False  # `-o=x` gives `x` (apt); getopt gives `=x`
    dashed_values: bool = True  # the next word is a value even when it starts with `-` (not in apt, nor cleo)
    flag_values: re.Pattern[str] | None = None  # words a flag takes as its value when they follow it: apt's `-y yes`
    ignore_case: bool = False  # long names match in any case (apt); Options holds them in lower case
    program_commands: frozenset[str] = frozenset()  # `poetry run PROGRAM ...`: PROGRAM's words are all operands

    def long_name(self, written: str) -> str:
        """The option a long name as written names: `--rec` -> `--recursive` where prefixes count."""
        name = written.lower() if self.ignore_case else written
        if self.flag_names is None:
            return name
        table = self.flag_names | self.value_names
        matches = [option for option in table if option.startswith(name)]
        return name if name in table or len(matches) != 1 else matches[0]


@dataclass(frozen=True)
class Options:
    """A command's options in order, each a name (`-r`, `--recursive`) and its value or None; clusters are
    expanded (`-rf` is `-r` and `-f`), prefixes resolved where the parser resolves them."""

    items: tuple[tuple[str, str | None], ...]

    def has(self, *names: str) -> bool:
        return any(name in names for name, _value in self.items)

    def values(self, *names: str) -> list[str]:
        return [value for name, value in self.items if name in names and value is not None]

    def short_flags(self) -> set[str]:
        """The letters of the short options given without a value."""
        return {name[1:] for name, value in self.items if not name.startswith("--") and value is None}


def parse_options(words: tuple[str, ...], syntax: OptionSyntax) -> tuple[Options, list[str]]:
    """A command's options and operands (its words after the program name), read as its parser reads them."""
    options: list[tuple[str, str | None]] = []
    operands: list[str] = []
    rest = deque(words)
    while rest:
        word = rest.popleft()
        if word == "--":
            operands.extend(rest)
            break
        if word.startswith("--"):
            options.append(_long_option(word, rest, syntax))
        elif word.startswith("-") and word != "-":
            options.extend(_short_options(word[1:], rest, syntax))
        else:
            operands.append(word)
            if len(operands) == 2 and operands[0] in syntax.program_commands:
                operands.extend(rest)
                break
    return Options(tuple(options)), operands


def _long_option(word: str, rest: deque[str], syntax: OptionSyntax) -> tuple[str, str | None]:
    written, equals, value = word.partition("=")
    name = syntax.long_name(written)
    if equals:
        return name, value
    if name in syntax.value_names:
        return name, _next_value(rest, syntax)
    return name, _flag_value(rest, syntax)


def _short_options(letters: str, rest: deque[str], syntax: OptionSyntax) -> list[tuple[str, str | None]]:
    options: list[tuple[str, str | None]] = []
    for position, letter in enumerate(letters):
        name, attached = f"-{letter}", letters[position + 1 :]
        if syntax.equals_after_letter and attached.startswith("="):
            return [*options, (name, attached[1:])]
        if letter in syntax.value_letters:
            return [*options, (name, attached or _next_value(rest, syntax))]
        if letter in syntax.optional_value_letters:
            return [*options, (name, attached or None)]
        options.append((name, None if attached else _flag_value(rest, syntax)))
    return options


def _next_value(rest: deque[str], syntax: OptionSyntax) -> str:
    """The next word as an option's value; "" when there is none (the command itself then fails)."""
    if rest and (syntax.dashed_values or not rest[0].startswith("-")):
        return rest.popleft()
    return ""


def _flag_value(rest: deque[str], syntax: OptionSyntax) -> str | None:
    if rest and syntax.flag_values is not None and syntax.flag_values.fullmatch(rest[0]):
        return rest.popleft()
    return None


def split_arguments(words: tuple[str, ...], value_options: frozenset[str]) -> tuple[Options, list[str]]:
    """Options and operands for a getopt_long- or click-style parser, given its options that take a value
    (`-r`, `--requirement`); long names are read whole."""
    letters = "".join(name[1:] for name in value_options if not name.startswith("--"))
    names = frozenset(name for name in value_options if name.startswith("--"))
    return parse_options(words, OptionSyntax(value_letters=letters, value_names=names))


# apt's StringToBool: 0 or 1 as strtol reads them (an empty word is 0), or a word.
_APT_FALSE = re.compile(r"(\s*\+?(0[xX]0+|0+))?|(?i:no|false|without|off|disable)")
_APT_BOOLEAN = re.compile(rf"{_APT_FALSE.pattern}|\s*\+?(0[xX]0*1|0*1)|(?i:yes|true|with|on|enable)")
# apt-get and apt, read by apt's own CommandLine::Parse (apt-pkg/contrib/cmndline.cc): long names whole and in
# any case, `-o=x` is `-o x`, a value never starts with `-`, and a flag takes a following boolean word as its
# value (`-y yes`). The options that take a value are those of every apt-get command (apt-private/
# private-cmndline.cc); `--no-install-recommends` is kept as written, apt reads it as `--install-recommends=no`.
_APT = OptionSyntax(
    value_letters="acoePSt",
    value_names=frozenset({
        "--option", "--config-file", "--target-release", "--default-release", "--snapshot", "--with-source",
        "--solver", "--planner", "--comment", "--error-on", "--host-architecture", "--build-profiles", "--format",
        "--cli-version",
    }),
    equals_after_letter=True,
    dashed_values=False,
    flag_values=_APT_BOOLEAN,
    ignore_case=True,
)
# aptitude: getopt_long("DVZWvhS:uiF:w:sO:fdyPt:q::Rro:") and its long options (src/main.cc).
_APTITUDE = OptionSyntax(
    value_letters="SFwOto",
    optional_value_letters="q",
    value_names=frozenset({
        "--display-format", "--width", "--sort", "--target-release", "--add-user-tag", "--add-user-tag-to",
        "--remove-user-tag", "--remove-user-tag-from", "--log-level", "--log-file", "--log-config-file", "--group-by",
        "--show-package-names",
    }),
)
# The options that set APT::Install-Recommends, apt-get's and apt's then aptitude's, and the value each sets.
_RECOMMENDS_SWITCHES = {"--install-recommends": True, "--no-install-recommends": False,
                        "-r": True, "--with-recommends": True, "-R": False, "--without-recommends": False}


@dataclass(frozen=True)
class AptCall:
    command: Command
    action: str  # install, update, remove, ...
    packages: tuple[str, ...]
    options: Options

    @property
    def installs_recommends(self) -> bool:
        """APT::Install-Recommends (true by default) as this call's options set it, the last one winning."""
        installs = True
        for name, value in self.options.items:
            if name in _RECOMMENDS_SWITCHES:
                # a given value wins over the name: apt installs recommends for `--no-install-recommends=yes`
                installs = _RECOMMENDS_SWITCHES[name] if value is None else not _APT_FALSE.fullmatch(value)
            elif name in ("-o", "--option") and value is not None:  # aptitude has no `--option`: a flag, no value
                key, _, setting = value.partition("=")
                if key.lower() == "apt::install-recommends":  # an empty setting leaves apt's default, true
                    installs = not (setting and _APT_FALSE.fullmatch(setting))
        return installs

    def names(self, package: str) -> bool:
        """Whether this call names `package` (`python3.8`, `python3.8=3.8.12-1`, `python3.8:amd64` too)."""
        return any(re.split(r"[=:/]", candidate, maxsplit=1)[0] == package for candidate in self.packages)


def apt_call(command: Command) -> AptCall | None:
    if command.name not in ("apt-get", "apt", "aptitude"):
        return None
    options, operands = parse_options(command.argv[1:], _APTITUDE if command.name == "aptitude" else _APT)
    if not operands:
        return AptCall(command, "", (), options)
    return AptCall(command, operands[0], tuple(operands[1:]), options)


# pip, read by optparse: `-rreq.txt` is `-r req.txt`, `-r=req.txt` names `=req.txt`. The options that take a value
# are the general ones and install's, download's and wheel's in pip 23.2, with older and newer pips' (`-b`,
# `--install-option`, `--group`); `pip list -e` is a flag. Long names are read whole: optparse takes unambiguous
# prefixes, but pip's table changes from version to version.
_PIP = OptionSyntax(
    value_letters="bcCdefirtw",
    value_names=frozenset({
        "--requirement", "--constraint", "--editable", "--index-url", "--extra-index-url", "--find-links", "--target",
        "--prefix", "--root", "--src", "--source", "--source-dir", "--source-directory", "--upgrade-strategy",
        "--progress-bar", "--platform", "--python-version", "--implementation", "--abi", "--only-binary",
        "--no-binary", "--log", "--log-file", "--local-log", "--proxy", "--retries", "--timeout", "--default-timeout",
        "--exists-action", "--trusted-host", "--cert", "--client-cert", "--cache-dir", "--global-option",
        "--install-option", "--build-option", "--config-settings", "--report", "--python", "--keyring-provider",
        "--use-feature", "--use-deprecated", "--group", "--root-user-action", "--pypi-url", "--build", "--dest",
        "--destination-dir", "--destination-directory", "--wheel-dir", "--exclude", "--path", "--format",
    }),
)
_PIP_PROGRAM = re.compile(r"^pip[0-9.]*$")
_PYTHON_PROGRAM = re.compile(r"^python[0-9.]*$")
_BOOLEAN_WORDS = frozenset({"0", "false", "no", "off", "1", "true", "yes", "on", "y", "n", "t", "f"})


@dataclass(frozen=True)
class PipCall:
    command: Command
    action: str
    requirements: tuple[str, ...]  # operands: `fastapi==0.78.0`, `uvicorn[standard]==0.17.6`
    options: Options

    @property
    def requirement_files(self) -> list[str]:
        return self.options.values("-r", "--requirement")

    def disables_cache(self, environment: dict[str, str]) -> bool:
        """`--no-cache-dir`, or PIP_NO_CACHE_DIR set for this command (by assignment, ENV or ARG)."""
        if self.options.has("--no-cache-dir"):
            return True
        # pip disables its cache for any boolean spelling, "false" included (pip's _handle_no_cache_dir).
        value = {**environment, **self.command.env}.get("PIP_NO_CACHE_DIR", "")
        return value.strip().lower() in _BOOLEAN_WORDS


def pip_call(command: Command) -> PipCall | None:
    argv = command.argv
    if _PIP_PROGRAM.match(command.name):
        rest = argv[1:]
    elif _PYTHON_PROGRAM.match(command.name) and argv[1:3] == ("-m", "pip"):
        rest = argv[3:]
    else:
        return None
    options, operands = parse_options(rest, _PIP)
    return PipCall(command, operands[0] if operands else "", tuple(operands[1:]), options)


# poetry, read by cleo (cleo/io/inputs/argv_input.py): a value never starts with `-`, long names are whole. The
# options that take a value are poetry's global ones and `poetry install`'s; `poetry run` gives the program it
# runs all the words after its name.
_POETRY = OptionSyntax(
    value_letters="CPE",
    value_names=frozenset({"--directory", "--project", "--extras", "--with", "--without", "--only"}),
    dashed_values=False,
    program_commands=frozenset({"run"}),
)


@dataclass(frozen=True)
class PoetryCall:
    command: Command
    action: str
    operands: tuple[str, ...]
    options: Options

    @property
    def skips_dev_dependencies(self) -> bool:
        if self.options.has("--no-dev"):
            return True
        only = [group for value in self.options.values("--only") for group in value.split(",")]
        if only:
            return "dev" not in only
        return any("dev" in value.split(",") for value in self.options.values("--without"))


def poetry_call(command: Command) -> PoetryCall | None:
    if command.name != "poetry":
        return None
    options, operands = parse_options(command.argv[1:], _POETRY)
    return PoetryCall(command, operands[0] if operands else "", tuple(operands[1:]), options)


# GNU rm: getopt_long("dfirvIR") and its complete long-option table (coreutils src/rm.c); --interactive and
# --preserve-root take a value only after `=`.
_RM = OptionSyntax(
    flag_names=frozenset({
        "--dir", "--force", "--interactive", "--one-file-system", "--no-preserve-root", "--preserve-root",
        "---presume-input-tty", "--recursive", "--verbose", "--help", "--version",
    }),
)


@dataclass(frozen=True)
class RemoveCall:
    command: Command
    paths: tuple[str, ...]
    options: Options
    unexpanded: frozenset[str] = frozenset()  # paths with a `*` the shell does not expand (quoted, exec form)

    @property
    def recursive_and_forced(self) -> bool:
        letters = self.options.short_flags()
        recursive = bool(letters & {"r", "R"}) or self.options.has("--recursive")
        return recursive and ("f" in letters or self.options.has("--force"))


def remove_call(command: Command) -> RemoveCall | None:
    if command.name != "rm":
        return None
    options, operands = parse_options(command.argv[1:], _RM)
    unexpanded = frozenset(word for word, written in zip(command.argv, command.written, strict=True)
                           if "*" in word and not expands_glob(written))
    return RemoveCall(command, tuple(operands), options, unexpanded)


# add-apt-repository: optparse on Ubuntu 20.04 (-k/--keyserver), argparse from 22.04 on (-c, -p, -P, -C, -U, -S;
# `-S` takes every word up to the next option, read here as one). Long names are read whole.
_ADD_REPOSITORY = OptionSyntax(
    value_letters="kcpPCUS",
    value_names=frozenset({"--keyserver", "--component", "--pocket", "--ppa", "--cloud", "--uri", "--sourceslist"}),
)


@dataclass(frozen=True)
class AddRepositoryCall:
    command: Command
    repositories: tuple[str, ...]
    options: Options


def add_repository_call(command: Command) -> AddRepositoryCall | None:
    if command.name not in ("add-apt-repository", "apt-add-repository"):
        return None
    options, operands = parse_options(command.argv[1:], _ADD_REPOSITORY)
    return AddRepositoryCall(command, tuple(operands), options)


# useradd: getopt_long("b:c:d:De:f:g:G:hk:K:lmMNop:rR:P:s:u:UZ:F") and its complete long-option table, shadow
# 4.x (src/useradd.c); older versions have fewer options, so a prefix unique here is unique there.
_USERADD = OptionSyntax(
    value_letters="bcdefgGkKpPRsuZ",
    value_names=frozenset({
        "--base-dir", "--comment", "--home-dir", "--expiredate", "--inactive", "--gid", "--groups", "--skel", "--key",
        "--password", "--root", "--prefix", "--shell", "--uid", "--selinux-user", "--selinux-range",
    }),
    flag_names=frozenset({
        "--badname", "--btrfs-subvolume-home", "--defaults", "--add-subids-for-system", "--help", "--no-log-init",
        "--create-home", "--no-create-home", "--no-user-group", "--non-unique", "--system", "--user-group",
    }),
)
# adduser: BusyBox's getopt32("h:g:s:G:DSHu:k:") letters, with Debian's `-c FILE` (Getopt::Long), and the long
# options of both that take a value. Long names are read whole, and Debian's one-dash long names (`-gecos`) are
# read as BusyBox reads them, as letters.
_ADDUSER = OptionSyntax(
    value_letters="cghGksu",
    value_names=frozenset({
        "--comment", "--conf", "--firstgid", "--firstuid", "--gecos", "--gid", "--home", "--ingroup", "--lastgid",
        "--lastuid", "--shell", "--uid", "--skel",
    }),
)


@dataclass(frozen=True)
class UserAddCall:
    command: Command
    name: str | None  # the user it creates; None when no user is named (`useradd -D`)
    options: Options

    @property
    def uid(self) -> str | None:
        """The uid given, as written (the last one counts), or None for the next free one."""
        uids = self.options.values("-u", "--uid")
        return uids[-1] if uids else None


def useradd_call(command: Command) -> UserAddCall | None:
    if command.name not in ("useradd", "adduser"):
        return None
    options, operands = parse_options(command.argv[1:], _USERADD if command.name == "useradd" else _ADDUSER)
    return UserAddCall(command, operands[0] if operands else None, options)
