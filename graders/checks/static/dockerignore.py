"""The submission's `.dockerignore`, read as Docker reads it (moby's ignorefile and patternmatcher).

One pattern per line; a line that starts with `#` is a comment, blank lines are skipped, a pattern is trimmed and
cleaned like a path (`./x`, `/x` and `x/` are all `x`); `!` re-includes what earlier lines exclude; `*`, `?` and
`[...]` are Go's filepath.Match (never across a `/`), `**` any number of folders; a pattern that matches a folder
excludes what it holds, and the last line that matches a name decides. Names compare case-sensitively, as Docker
does on Linux.

An entry the task lists is excluded when the rules exclude the names it stands for: a plain entry its own name, a
glob entry a sample of its names, each `*` once as nothing and once as `-task-1` (`**/` as no folder and as one):
`Dockerfile*` is excluded by `Dockerfile*`, `/Dockerfile*` or `Dockerfile` with `Dockerfile-*`, not by
`Dockerfile-*` alone, which keeps `Dockerfile` itself. A folder is excluded too when all it holds is (`.venv/*`).
"""

import functools
import posixpath
import re
from dataclasses import dataclass

from ...core import Verdict, failed, passed
from ...submission import UnreadableFile
from ..base import static_check
from ..context import StaticContext

_FILE = ".dockerignore"
_STAR_SAMPLES = ("", "-task-1")
_FOLDERS_SAMPLES = ("", "sub/")  # what `**/` stands for in a sample
_HELD = "file"  # a sample of what a folder holds
_BOM = "\ufeff"


@dataclass(frozen=True)
class _Rule:
    line: int
    written: str
    pattern: str  # cleaned, without its `!`
    reincludes: bool

    def matches(self, path: str, ignore_case: bool = False) -> bool:
        """Whether the pattern matches `path` or one of the folders it lies in."""
        regex = _regex(self.pattern, ignore_case)
        parts = path.split("/")
        return any(regex.match("/".join(parts[:end])) for end in range(len(parts), 0, -1))


@static_check(
    "dockerignore",
    title="`.dockerignore` keeps out of the build context what the image does not need",
    hint="Write a `.dockerignore` beside the Dockerfiles, one pattern per line, that excludes {excludes} and no "
    "file the build needs ({keeps}).",
)
def check(context: StaticContext, *, excludes: tuple[str, ...], keeps: tuple[str, ...]) -> Verdict:
    listed = ", ".join(f"`{entry}`" for entry in excludes)
    try:
        text = context.read(_FILE)
    except UnreadableFile as unreadable:
        return failed(f"{unreadable}; Docker reads `{_FILE}` as text, one pattern per line: list {listed} in it")
    if text is None:
        return failed(f"no `{_FILE}` in the submission: add one listing {listed}, one per line, beside the "
                      "Dockerfiles")
    rules, problem = _rules(text)
    if problem:
        return failed(problem)
    problems = [found for entry in excludes if (found := _exclusion_problem(rules, entry))]
    problems += [found for path in keeps if (found := _keep_problem(rules, path))]
    if problems:
        return failed("; ".join(problems))
    kept = f" and keeps {', '.join(keeps)}" if keeps else ""
    return passed(f"`{_FILE}` excludes {listed}{kept}")


def _rules(text: str) -> tuple[list[_Rule], str | None]:
    rules = []
    for number, line in enumerate(text.removeprefix(_BOM).splitlines(), start=1):
        if line.startswith("#"):
            continue
        written = line.strip()
        if not written:
            continue
        reincludes = written.startswith("!")
        pattern = _clean(written[1:].strip() if reincludes else written)
        where = f"`{_FILE}` line {number}: `{written}`"
        if not pattern:
            return [], f"{where} is an illegal exclusion pattern, and `docker build` stops on it; remove the line"
        try:
            _regex(pattern, False)
        except re.error as error:
            return [], f"{where} is not a valid pattern ({error}), and `docker build` stops on it; fix the line"
        rules.append(_Rule(number, written, pattern, reincludes))
    return rules, None


def _clean(pattern: str) -> str:
    """Go's filepath.Clean, then no leading `/`: the pattern as Docker matches it."""
    if not pattern:
        return ""
    cleaned = posixpath.normpath(pattern)
    if cleaned.startswith("//"):
        cleaned = "/" + cleaned.lstrip("/")
    return cleaned[1:] if len(cleaned) > 1 and cleaned.startswith("/") else cleaned


@dataclass(frozen=True)
class _Token:
    kind: str  # "folders" (`**/`), "any" (`**`), "star", "one" (`?`), "class" (`[...]`) or "char"
    text: str = ""  # the character, or the class's members
    last: bool = False  # nothing of the pattern follows
    closed: bool = True  # a class's `]` was found


def _tokens(pattern: str) -> list[_Token]:
    """A pattern read as patternmatcher reads it: the one walk its regex and its sample names are made from."""
    tokens, index = [], 0
    while index < len(pattern):
        char = pattern[index]
        index += 1
        if char == "*" and pattern[index : index + 1] == "*":
            index += 1
            folders = pattern[index : index + 1] == "/"
            index += folders
            tokens.append(_Token("folders" if folders else "any", last=index == len(pattern)))
        elif char == "*":
            tokens.append(_Token("star"))
        elif char == "?":
            tokens.append(_Token("one"))
        elif char == "[":
            end = pattern.find("]", index)
            members, index = (pattern[index:end], end + 1) if end >= 0 else (pattern[index:], len(pattern))
            tokens.append(_Token("class", members, closed=end >= 0))
        elif char == "\\" and index < len(pattern):
            tokens.append(_Token("char", pattern[index]))
            index += 1
        else:
            tokens.append(_Token("char", char))
    return tokens


@functools.lru_cache(maxsize=1024)
def _regex(pattern: str, ignore_case: bool) -> re.Pattern[str]:
    """patternmatcher's translation of a pattern into a regular expression."""
    parts = ["^"]
    for token in _tokens(pattern):
        if token.kind in ("folders", "any"):
            parts.append(".*" if token.last else "(.*/)?")
        elif token.kind == "star":
            parts.append("[^/]*")
        elif token.kind == "one":
            parts.append("[^/]")
        elif token.kind == "class":  # passed on as Go's regexp reads it (an unclosed one is an error)
            parts.append(f"[{token.text}]" if token.closed else f"[{token.text}")
        else:
            parts.append(re.escape(token.text))
    return re.compile("".join(parts) + "$", re.IGNORECASE if ignore_case else 0)


def _decide(rules: list[_Rule], path: str, ignore_case: bool = False) -> tuple[bool, _Rule | None, _Rule | None]:
    """Whether the rules exclude `path`, the last rule that matches it, and the last one that excludes it."""
    excluded, deciding, excluding = False, None, None
    for rule in rules:
        if rule.matches(path, ignore_case):
            excluded, deciding = not rule.reincludes, rule
            if not rule.reincludes:
                excluding = rule
    return excluded, deciding, excluding


def _decide_name(rules: list[_Rule], name: str) -> tuple[bool, _Rule | None, _Rule | None]:
    """As `_decide`, a folder counting as excluded when all it holds is (`.venv/*`): only the empty folder is sent."""
    decision = _decide(rules, name)
    held = _decide(rules, f"{name}/{_HELD}")
    return held if held[0] and not decision[0] else decision


def _exclusion_problem(rules: list[_Rule], entry: str) -> str | None:
    samples = _samples(_clean(entry))
    decisions = [(sample, *_decide_name(rules, sample)) for sample in samples]
    for sample, excluded, deciding, excluding in decisions:
        if excluded:
            continue
        if deciding is not None and excluding is not None:
            return (f"`{entry}` is excluded by line {excluding.line} (`{excluding.written}`), but line "
                    f"{deciding.line} (`{deciding.written}`) includes `{sample}` again: the last matching line "
                    "decides; remove that line")
        near = _decide(rules, sample, ignore_case=True)[2]
        if near is not None:
            return (f"`{entry}` is not excluded: line {near.line} (`{near.written}`) differs from it only in case, "
                    f"and Docker compares names case-sensitively; write `{entry}`")
        if any(decision[1] for decision in decisions):
            return (f"`{entry}` is not wholly excluded: `{sample}`, one of the names it stands for, is kept; add "
                    f"`{entry}`")
        return f"`{entry}` is not excluded; add the line `{entry}` to `{_FILE}`"
    return None


def _keep_problem(rules: list[_Rule], path: str) -> str | None:
    excluded, deciding, _excluding = _decide(rules, _clean(path))
    if not excluded:
        return None
    assert deciding is not None  # excluded: a rule matched
    return (f"line {deciding.line} (`{deciding.written}`) of `{_FILE}` excludes `{path}`, which the build needs; "
            f"narrow that pattern, or add `!{path}` after it")


def _samples(entry: str) -> list[str]:
    """Names `entry` stands for: itself when it is plain, else one name per way of reading its wildcards."""
    variants = [""] * len(_STAR_SAMPLES)
    pieces: tuple[str, ...]
    for token in _tokens(entry):
        if token.kind == "folders":
            pieces = _FOLDERS_SAMPLES
        elif token.kind == "any":
            pieces = tuple(folder + "x" for folder in _FOLDERS_SAMPLES)
        elif token.kind == "star":
            pieces = _STAR_SAMPLES
        elif token.kind == "one":
            pieces = ("x",) * len(variants)
        elif token.kind == "class":
            pieces = ("_" if token.text.startswith("^") else token.text[:1] or "x",) * len(variants)
        else:
            pieces = (token.text,) * len(variants)
        variants = [variant + piece for variant, piece in zip(variants, pieces, strict=True)]
    return [name for name in dict.fromkeys(variants) if name and not name.endswith("/")]
