"""The whole of what a dynamic check may ask of its session, and what the runner needs of it: one Protocol that the
Docker session implements and the tests' fake session implements too, so that mypy keeps the three in step."""

from __future__ import annotations

from typing import Protocol

from ..results import ImageInfo
from ..session_types import ArchiveEntry, BuildResult, BuiltImage, ExecResult, ProbeResult


class GradedTask(Protocol):
    """What a check reads of the task graded (an exercise's TaskSpec; structural, as the exercise loads the checks)."""

    @property
    def tag(self) -> str:
        """The image tag the task requires."""


class DynamicSession(Protocol):
    """One task's image: built lazily and once, probed, inspected; a context manager that removes what it made."""

    image_info: ImageInfo | None  # for the runner's result: the image built, once it is

    @property
    def task(self) -> GradedTask:
        """The task graded."""

    @property
    def registry(self) -> str | None:
        """HOST/PROJECT/REPOSITORY the images must be pushed to; None when none was given."""

    @property
    def docker_config(self) -> str | None:
        """The folder of the Docker client config holding the registry's credentials; None: the default."""

    @property
    def run_timeout(self) -> float:
        """Seconds a container has to answer."""

    def build(self) -> BuildResult:
        """The build's result (a failed build is a result); the machine's failure raises HarnessError."""

    def image(self) -> BuiltImage:
        """The built image; Blocked("builds") when the build failed."""

    def probe(self, port: int = 8000, path: str = "/", text: str = "Hello World") -> ProbeResult:
        """Start the image's container and poll GET `path` on `port` until it answers `text`."""

    def run_in_image(self, command: list[str], *, user: str | None = None, timeout: float = 30.0) -> ExecResult:
        """`command` as the image runs it, as `user` (default: the image's USER)."""

    def list_directory(self, path: str, limit: int = 20) -> list[ArchiveEntry] | None:
        """Up to `limit` entries under `path` in the image's file system; None when it does not exist."""

    def previous_image(self, task_id: str) -> BuiltImage | None:
        """Task `task_id`'s image of the same submission, when there is one to compare with."""

    def __enter__(self) -> DynamicSession: ...

    def __exit__(self, *exc_info: object) -> None: ...
