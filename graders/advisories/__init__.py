"""Advisories (no points): hadolint findings on the Dockerfiles."""

import os
import shutil
import sys
from pathlib import Path

from ..core import HarnessError


def executable(name: str, *, missing: str = "run `make install`") -> str:
    """A linter's binary: the one its PyPI wheel put beside this virtualenv's python, else the one on PATH.

    Raises HarnessError "NAME is not installed: MISSING" when there is neither.
    """
    beside = Path(sys.executable).parent / (f"{name}.exe" if os.name == "nt" else name)
    if beside.is_file() and os.access(beside, os.X_OK):
        return str(beside)
    found = shutil.which(name)
    if found is None:
        raise HarnessError(f"{name} is not installed: {missing}")
    return found
