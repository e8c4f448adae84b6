"""Run one check on a Dockerfile snippet: the vocabulary of the check tests."""

from __future__ import annotations

import textwrap
from pathlib import Path

from graders.checks.base import Check
from graders.checks.context import StaticContext
from graders.core import Status, Verdict
from graders.dockerfile import parse
from graders.submission import Submission


def verdict(check: Check, dockerfile: str, files: dict[str, str] | None = None, tmp_path: Path | None = None,
            **parameters) -> Verdict:
    """The verdict of `check` on `dockerfile` (dedented); `files` become the submission's other files."""
    submission = None
    if files:
        assert tmp_path is not None, "pass tmp_path with files"
        for name, content in files.items():
            (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
            (tmp_path / name).write_text(textwrap.dedent(content))
        submission = Submission("test", tmp_path)
    context = StaticContext(parse(textwrap.dedent(dockerfile).lstrip("\n")), submission)
    return check(context, **parameters)


def assert_passes(check: Check, dockerfile: str, **kwargs) -> Verdict:
    __tracebackhide__ = True
    result = verdict(check, dockerfile, **kwargs)
    assert result.status is Status.PASSED, f"expected pass, got {result.status.value}: {result.message}"
    return result


def assert_fails(check: Check, dockerfile: str, line: int | None = None, says: str = "", **kwargs) -> Verdict:
    """Fails, on `line` when given, with a message containing `says`."""
    __tracebackhide__ = True
    result = verdict(check, dockerfile, **kwargs)
    assert result.status is Status.FAILED, f"expected fail, got {result.status.value}: {result.message}"
    if line is not None:
        assert result.line == line, f"expected line {line}, got {result.line}: {result.message}"
    assert says in result.message, f"expected {says!r} in {result.message!r}"
    return result
