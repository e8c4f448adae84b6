"""What a static check reads: the Dockerfile model and the submission's other files."""

from __future__ import annotations

from dataclasses import dataclass

from ..dockerfile import Dockerfile
from ..submission import Submission


@dataclass(frozen=True)
class StaticContext:
    dockerfile: Dockerfile
    submission: Submission | None = None

    def read(self, relative: str) -> str | None:
        """A file of the submission (`pyproject.toml`, a `-r` requirements file), or None when absent."""
        if self.submission is None:
            return None
        return self.submission.read_text(relative)
