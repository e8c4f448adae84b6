"""The two ways a run builds its images, as strategies of the session: what the build context is, what the image
is tagged, what the harness labels and removes, and where an earlier task's image is found.

Student mode (`make testTask1`): the repo root is the context, the image gets the task's required tag and stays
(as `make buildTask1` leaves it), without the harness's labels; an image an earlier `make buildTask...` tagged
counts as that task's. Batch mode (`grade`): each context is a temporary copy of the exercise's starter files under
the submission's own, each image has a tag of its own in the run and the run's labels, and goes with its session.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Protocol

from .build_context import BuildContext, batch_context, student_context
from .engine import Engine
from .exercise import Exercise, TaskSpec
from .labels import IMAGE_LABEL, BatchTags
from .limits import Limits
from .session_types import BuiltImage
from .submission import Submission


class SessionMode(Protocol):
    """What differs between student mode and batch mode, and nothing else."""

    def tag(self, submission: Submission, task: TaskSpec, run_id: str) -> str:
        """The tag the task's image is built with."""

    def context(self, submission: Submission, dockerfile: Path, limits: Limits) -> BuildContext:
        """The build context of the submission's `dockerfile`."""

    def image_labels(self, run_labels: dict[str, str], tag: str) -> dict[str, str] | None:
        """The labels the image carries; None: none of the harness's (the image a plain `docker build` makes)."""

    def images_to_remove(self, tag: str) -> list[str]:
        """What the session removes of the image it built as `tag`, when it closes."""

    def earlier_image(self, engine: Engine, task_id: str) -> BuiltImage | None:
        """Task `task_id`'s image found in the engine, where the run did not build it."""


class StudentMode:
    """`make testTask1` in the student's repo: the images `make buildTask1` would make, left for the student."""

    def __init__(self, repo_root: Path, task_tags: Mapping[str, str]) -> None:
        self.repo_root = repo_root
        self.task_tags = task_tags  # task id -> its required tag, where earlier images are found

    @classmethod
    def of(cls, exercise: Exercise, repo_root: Path) -> StudentMode:
        return cls(repo_root, {task.id: task.tag for task in exercise.tasks.values()})

    def tag(self, submission: Submission, task: TaskSpec, run_id: str) -> str:
        return task.tag

    def context(self, submission: Submission, dockerfile: Path, limits: Limits) -> BuildContext:
        return student_context(self.repo_root, dockerfile)

    def image_labels(self, run_labels: dict[str, str], tag: str) -> dict[str, str] | None:
        return None

    def images_to_remove(self, tag: str) -> list[str]:
        return []  # the student's tag stays

    def earlier_image(self, engine: Engine, task_id: str) -> BuiltImage | None:
        tag = self.task_tags.get(task_id)
        attrs = engine.inspect_image(tag) if tag is not None else None
        return BuiltImage.inspected(tag, attrs) if tag is not None and attrs is not None else None


class BatchMode:
    """`grade` over a class: each submission's image its own, built over the exercise's starter files, removed."""

    def __init__(self, exercise: Exercise) -> None:
        self.exercise = exercise  # its starter files make every build context
        self._tags = BatchTags()

    def tag(self, submission: Submission, task: TaskSpec, run_id: str) -> str:
        return self._tags.new(submission.id, task.id, run_id)

    def context(self, submission: Submission, dockerfile: Path, limits: Limits) -> BuildContext:
        exercise = self.exercise
        return batch_context(submission.path, dockerfile, exercise.folder, starter=exercise.starter,
                             overlaid=exercise.overlaid, max_bytes=limits.context_bytes)

    def image_labels(self, run_labels: dict[str, str], tag: str) -> dict[str, str] | None:
        # the tag among the labels: two students with the same Dockerfile get two images, and removing one (by its
        # id, at the end of its session) never removes the other's
        return {**run_labels, IMAGE_LABEL: tag}

    def images_to_remove(self, tag: str) -> list[str]:
        return [tag]  # never the Dockerfile's own layers: the next run's cache

    def earlier_image(self, engine: Engine, task_id: str) -> BuiltImage | None:
        return None
