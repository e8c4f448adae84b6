"""Why a build made no image, and whose failure that is: the student's (a failing step, with its Dockerfile line
and the last lines of its log, or a limit it went over) or the machine's (a full disk, a registry out of reach, a
build on an offline stand-in unlike the real base image), which raises HarnessError or Inconclusive."""

from __future__ import annotations

import re
from collections.abc import Callable

from .build_loop import BuildOutput
from .core import HarnessError, Inconclusive
from .dockerfile import Dockerfile
from .session_types import BuildResult

FAILURE_LOG_LINES = 15
FAILURE_LINE_CHARS = 240
_STEP = re.compile(r"^Step (\d+)/(\d+) : (.*)$")
_NOISE = re.compile(r"^ ---> (Running in|Using cache|[0-9a-f]{12}$)|^Removing intermediate container ")
_NETWORK_PROBLEMS = ("no such host", "dial tcp", "i/o timeout", "connection refused", "tls handshake timeout",
                     "network is unreachable", "temporary failure in name resolution", "client.timeout exceeded")


def failed_build(output: BuildOutput, dockerfile: Dockerfile, *, extra_steps: int, notes: list[str],
                 unfaithful_standin: Callable[[], str | None]) -> BuildResult:
    """The result of a build that made no image; raises when the failure is the machine's.

    `extra_steps`: the harness's LABEL steps after the Dockerfile's own (their numbers are taken out of the log);
    `notes`: what the build context left out; `unfaithful_standin`: the Ubuntu image an offline stand-in replaced
    as the base, if one did (asked only once the failure is known to be no limit's, no disk's, no registry's).
    """
    log_lines = tuple(output.log)
    step, line = failing_step(output.log, dockerfile, extra_steps)
    if output.limit:  # over the build's disk or log budget: the student's, whatever the base image
        message = failure_message(output.limit, step, output.log, False, notes, extra_steps)
        return BuildResult(False, None, message, log_lines, step, line, output.seconds)
    error = output.error or ""
    if not output.timed_out and disk_full(error, output.log):
        raise HarnessError(
            "the engine's disk is full (`no space left on device` during the build, which stayed within its "
            f"disk budget): free space on the engine's machine, then finish the run with --resume. {error}".strip()
        )
    if step and unreachable_registry(step, error):
        raise HarnessError(
            f"the engine cannot pull the base image of `{step.split(' : ', 1)[1]}`: {output.error}; "
            "where the registry is out of reach, `make offline-bases` provides the exercise's base images"
        )
    message = failure_message(error or "the build failed", step, output.log, output.timed_out, notes, extra_steps)
    standin = unfaithful_standin()
    if standin:
        raise Inconclusive(
            f"the build failed on the offline stand-in for {standin} (Debian, not Ubuntu: no Launchpad PPA, "
            f"other packages), so the failure says nothing sure about the Dockerfile; grade where {standin} "
            f"can be pulled. {message}"
        )
    if step is None and (where := re.search(r"\bline (\d+)", error)):
        line = int(where.group(1))  # "dockerfile parse error line 3: unknown instruction: RUNN"
    return BuildResult(False, None, message, log_lines, step, line, output.seconds, output.timed_out)


def failing_step(lines: list[str], dockerfile: Dockerfile, extra_steps: int) -> tuple[str | None, int | None]:
    """The last "Step N/M : ..." the builder started (M as a plain `docker build` shows it), and its line."""
    steps = [match for line in lines if (match := _STEP.match(line))]
    if not steps:
        return None, None
    last = steps[-1]
    number, total, text = int(last.group(1)), int(last.group(2)), last.group(3)
    total -= extra_steps
    return f"Step {number}/{total} : {text}", instruction_line(dockerfile, number, text)


def instruction_line(dockerfile: Dockerfile, number: int, text: str) -> int | None:
    """The Dockerfile line of step `number`: steps count the instructions in order (the builder's total counts ARGs
    before FROM twice, so only the number is used, checked against the keyword)."""
    instructions = dockerfile.instructions
    if not 1 <= number <= len(instructions):
        return None
    instruction = instructions[number - 1]
    return instruction.line if text.split(" ", 1)[0].upper() == instruction.keyword else None


def unreachable_registry(step: str, error: str) -> bool:
    """A FROM that failed because the registry is out of reach: the machine's problem, not the student's (a
    misspelt image answers "manifest unknown" / "pull access denied")."""
    instruction = step.split(" : ", 1)[-1].split(" ", 1)[0].upper()
    return instruction == "FROM" and any(problem in error.lower() for problem in _NETWORK_PROBLEMS)


def disk_full(error: str, lines: list[str]) -> bool:
    """The build failed on a full disk (its own step's `No space left on device` included)."""
    return any("no space left on device" in text.lower() for text in [error, *lines[-30:]])


def failure_message(error: str, step: str | None, lines: list[str], timed_out: bool, notes: list[str],
                    extra_steps: int) -> str:
    """For the student: where the build failed, why, the last lines of its log, and what the context left out."""
    shown = [line for line in lines if line.strip() and not _NOISE.match(line)]
    if shown and shown[-1].strip() == error.strip():
        shown.pop()  # the headline says it already
    shown = [_short(_unlabelled_step(line, extra_steps)) for line in shown[-FAILURE_LOG_LINES:]]
    where = f"{step} failed" if step else "the build failed before its first step"
    if timed_out:
        where = f"{step}: still running" if step else "the build did not start"
    text = f"{where}: {error}"
    if shown:
        text += "\nlast lines of the build log:\n" + "\n".join(f"  {line}" for line in shown)
    if notes:
        text += "\nnote: " + "; ".join(notes)
    return text


def links_out_message(links: list[str]) -> str:
    shown = ", ".join(f"`{link}`" for link in links[:5]) + (f" and {len(links) - 5} more" if len(links) > 5 else "")
    return (f"not built: the submission holds symbolic links that lead out of it ({shown}); the grader never follows "
            "them (they would copy the grader's machine into the image): replace each by the file or folder itself")


def _short(line: str) -> str:
    return line if len(line) <= FAILURE_LINE_CHARS else line[: FAILURE_LINE_CHARS - 1] + "…"


def _unlabelled_step(line: str, extra_steps: int) -> str:
    """"Step 5/14 : X" as a plain `docker build` numbers it, without the harness's LABEL steps."""
    match = _STEP.match(line)
    if not match or not extra_steps:
        return line
    return f"Step {match.group(1)}/{int(match.group(2)) - extra_steps} : {match.group(3)}"
