"""The build context of a task's image.

Student mode: the repo root as it is; its `.dockerignore` keeps the harness out of the students' images.
Batch mode: a temporary folder made of the exercise's starter files (`app/`, `pyproject.toml`, `poetry.lock` ...:
the exercise's `starter`), overlaid with the submission's own files that match the exercise's `overlaid` patterns
(`app`, `requirements*.txt`, `.dockerignore` ...: the submission's files win), plus the task's Dockerfile under its
own name.

Copying never follows a symbolic link out of the submission (nor out of the repo root): such a link is left
out, noted, and listed in `links_out` (the session refuses to build such a submission). Links inside are copied as
what they point to; FIFOs, sockets and devices are left out. The context holds at most `max_bytes`.
"""

from __future__ import annotations

import fnmatch
import os
import shutil
import stat
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from .limits import Limits, format_size

MAX_CONTEXT_BYTES = Limits.context_bytes  # when the caller gives none (student mode)
MAX_ENTRIES = 20_000
MAX_DEPTH = 64  # folders within folders (the copy recurses)


class ContextError(Exception):
    """The submission's files cannot make a build context (too large, unreadable): the student's problem."""


@dataclass
class BuildContext:
    path: Path
    dockerfile: str  # relative to `path`, as the build API wants it
    notes: list[str] = field(default_factory=list)
    links_out: list[str] = field(default_factory=list)  # "app -> /etc": links that lead out of their owner
    _temporary: tempfile.TemporaryDirectory[str] | None = None

    def outside(self, name: str) -> Path:
        """A path beside the context folder, not in it (for a Dockerfile the build must not copy)."""
        if self._temporary is None:
            raise ValueError("only a temporary (batch) context has room outside itself")
        return Path(self._temporary.name) / name

    def close(self) -> None:
        if self._temporary is not None:
            self._temporary.cleanup()
            self._temporary = None

    def __enter__(self) -> BuildContext:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def student_context(repo_root: Path, dockerfile: Path) -> BuildContext:
    """The repo root as the context (as `make buildTask1` uses it); the Dockerfile must lie inside it."""
    root = repo_root.resolve()
    target = dockerfile.resolve()
    if not target.is_relative_to(root):
        raise ContextError(f"`{dockerfile}` is not inside the repo root {root}")
    return BuildContext(root, target.relative_to(root).as_posix())


def batch_context(submission: Path, dockerfile: Path, exercise_folder: Path, *, starter: tuple[str, ...],
                  overlaid: tuple[str, ...], parent: Path | None = None, max_bytes: int | None = None) -> BuildContext:
    """A fresh temporary context: the exercise's starter files, then the submission's own files over them."""
    temporary = tempfile.TemporaryDirectory(prefix="graders-context-", dir=parent)
    folder = Path(temporary.name) / "context"
    folder.mkdir()
    context = BuildContext(folder, dockerfile.name, [], [], temporary)
    try:
        copier = _Copier(folder, context.notes, context.links_out, max_bytes)
        canonical = exercise_folder.resolve()
        for name in starter:
            source = canonical / name
            if source.exists() or source.is_symlink():
                copier.copy(source, Path(name), canonical, "the exercise's starter files")
        root = submission.resolve()
        names = sorted(entry.name for entry in os.scandir(root)
                       if any(fnmatch.fnmatch(entry.name.lower(), pattern.lower()) for pattern in overlaid))
        for name in names:
            source = root / name
            if source.exists() or source.is_symlink():
                copier.copy(source, Path(name), root, "the submission")
        copier.copy(dockerfile, Path(dockerfile.name), root, "the submission")
        if not (context.path / dockerfile.name).is_file():
            raise ContextError(f"`{dockerfile.name}` could not be copied into the build context")
    except BaseException:
        context.close()
        raise
    return context


class _Copier:
    def __init__(self, destination: Path, notes: list[str], links_out: list[str] | None = None,
                 max_bytes: int | None = None) -> None:
        self.destination = destination
        self.notes = notes
        self.links_out = links_out if links_out is not None else []
        self.max_bytes = max_bytes
        self.bytes = 0
        self.entries = 0

    def copy(self, source: Path, relative: Path, root: Path, owner: str) -> None:
        target = self.destination / relative
        self._copy(source, target, relative, root, owner, set())

    def _copy(self, source: Path, target: Path, relative: Path, root: Path, owner: str, visiting: set[str]) -> None:
        self.entries += 1
        if self.entries > MAX_ENTRIES:
            raise ContextError(f"{owner} holds more than {MAX_ENTRIES} files to copy into the build context")
        if len(relative.parts) > MAX_DEPTH:
            shown = "/".join(relative.parts[:3])
            raise ContextError(f"{owner} nests folders more than {MAX_DEPTH} deep (`{shown}/...`); "
                               "this exercise's context is a few folders")
        if source.is_symlink():
            real = os.path.realpath(source)
            if not Path(real).is_relative_to(root):
                self.notes.append(f"left out `{relative.as_posix()}`: a symbolic link out of {owner}")
                self.links_out.append(f"{relative.as_posix()} -> {os.readlink(source)}")
                return
            if not os.path.exists(real):
                self.notes.append(f"left out `{relative.as_posix()}`: a broken symbolic link")
                return
            source = Path(real)
        try:
            info = os.lstat(source)
        except OSError as problem:
            raise ContextError(f"cannot read `{relative.as_posix()}` of {owner}: {problem.strerror}") from None
        if stat.S_ISDIR(info.st_mode):
            real = os.path.realpath(source)
            if real in visiting:
                self.notes.append(f"left out `{relative.as_posix()}`: a symbolic link loop")
                return
            _replace_non_directory(target)
            target.mkdir(exist_ok=True)
            for entry in sorted(os.scandir(source), key=lambda e: e.name):
                self._copy(Path(entry.path), target / entry.name, relative / entry.name, root, owner, visiting | {real})
            shutil.copystat(source, target, follow_symlinks=False)
        elif stat.S_ISREG(info.st_mode):
            self.bytes += info.st_size
            limit = MAX_CONTEXT_BYTES if self.max_bytes is None else self.max_bytes
            if self.bytes > limit:
                raise ContextError(
                    f"the build context would exceed {format_size(limit)} "
                    f"(at `{relative.as_posix()}`); this exercise's context is a few KiB"
                )
            if target.is_dir() and not target.is_symlink():
                shutil.rmtree(target)
            try:
                shutil.copy2(source, target, follow_symlinks=False)
            except OSError as problem:
                raise ContextError(f"cannot read `{relative.as_posix()}` of {owner}: {problem.strerror}") from None
        else:
            self.notes.append(f"left out `{relative.as_posix()}`: not a regular file or folder")


def _replace_non_directory(target: Path) -> None:
    if target.is_symlink() or (target.exists() and not target.is_dir()):
        target.unlink()
