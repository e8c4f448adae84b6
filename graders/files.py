"""Files written whole or not at all: results and reports are read while a run may still be writing them."""

from __future__ import annotations

import os
import secrets
from pathlib import Path


def write_atomically(path: Path, text: str) -> None:
    """Write `text` as UTF-8 beside `path`, then rename it over `path`: a reader sees the old file or the new one.

    No fsync: a killed harness leaves the page cache intact, and syncing thousands of small files would cost
    more than the grading. Only a machine crash could lose the newest files, which `--resume` grades again.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)  # the umask applies, as for open()
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8", errors="replace", newline="") as handle:
            handle.write(text)
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
