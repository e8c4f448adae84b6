"""Submissions on disk: finding them, finding a task's Dockerfile, reading their files safely."""

from __future__ import annotations

import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path

MAX_DOCKERFILE_BYTES = 1024 * 1024
MAX_PROJECT_FILE_BYTES = 4 * 1024 * 1024
_DOCKERFILE_NAME = re.compile(r"^dockerfile", re.IGNORECASE)


class UnreadableFile(Exception):
    """A submission file exists but cannot be graded; the message says why, for the student."""


@dataclass(frozen=True)
class Submission:
    id: str
    path: Path

    def find(self, names: tuple[str, ...]) -> Path | None:
        """The first of `names` present in the folder, compared case-insensitively; of two spellings of one name
        (`Dockerfile-Task-1` beside `dockerfile-task-1`), the exact one, else the first in sorted order."""
        try:
            present = sorted(entry.name for entry in os.scandir(self.path))
        except OSError:
            return None
        for name in names:
            if name in present:
                return self.path / name
            spelled = next((found for found in present if found.lower() == name.lower()), None)
            if spelled is not None:
                return self.path / spelled
        return None

    def escapes(self, path: Path) -> str | None:
        """Where `path` (a file of the submission) really leads when a symbolic link takes it out of the folder;
        None when it stays inside."""
        root = self.path.resolve()
        target = Path(os.path.realpath(path))
        return None if target.is_relative_to(root) else str(target)

    def read_text(self, relative: str, limit: int = MAX_PROJECT_FILE_BYTES) -> str | None:
        """A file of the submission, or None when it is absent; never a path outside the folder."""
        root = self.path.resolve()
        target = (root / relative).resolve()
        if not target.is_relative_to(root) or not target.is_file():
            return None
        return read_text_file(target, limit, kind="project file")


def read_text_file(path: Path, limit: int = MAX_DOCKERFILE_BYTES, kind: str = "Dockerfile") -> str:
    name = path.name
    if path.is_dir():
        raise UnreadableFile(f"`{name}` is a directory; it should be a text file")
    try:
        descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK)  # a FIFO must not block the grading
    except OSError as problem:
        raise UnreadableFile(f"`{name}` cannot be read: {problem.strerror}") from None
    with os.fdopen(descriptor, "rb") as handle:
        mode = os.fstat(handle.fileno()).st_mode
        if not stat.S_ISREG(mode):
            device = stat.S_ISCHR(mode) or stat.S_ISBLK(mode)
            kind_of = "a named pipe" if stat.S_ISFIFO(mode) else "a device" if device \
                else "a socket" if stat.S_ISSOCK(mode) else "not a regular file"
            raise UnreadableFile(f"`{name}` is {kind_of}; it should be a text file")
        try:
            data = handle.read(limit + 1)
        except OSError as problem:
            raise UnreadableFile(f"`{name}` cannot be read: {problem.strerror}") from None
    if len(data) > limit:
        raise UnreadableFile(
            f"`{name}` is larger than {limit // 1024} KiB, far more than a {kind} of this exercise needs"
        )
    if b"\0" in data:
        raise UnreadableFile(f"`{name}` is a binary file, not a text {kind}")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as problem:
        raise UnreadableFile(
            f"`{name}` is not UTF-8 text (byte {problem.start}); save it as UTF-8, as Docker expects"
        ) from None


def discover(paths: list[Path], dockerfile_names: set[str]) -> list[Submission]:
    """Each PATH is a submission (it holds a task Dockerfile) or a folder of submissions."""
    submissions: list[Submission] = []
    for path in paths:
        if _holds_dockerfile(path, dockerfile_names):
            submissions.append(Submission(_name_of(path), path))
            continue
        children = sorted((p for p in path.iterdir() if p.is_dir() and not p.name.startswith(".")),
                          key=lambda p: p.name)
        submissions.extend(Submission(child.name, child) for child in children)
    return submissions


def _holds_dockerfile(path: Path, names: set[str]) -> bool:
    return any(entry.name.lower() in names or _DOCKERFILE_NAME.match(entry.name) for entry in os.scandir(path))


def _name_of(path: Path) -> str:
    return path.resolve().name or "submission"
