"""One task's image, from the Dockerfile's model to the BuildResult the checks read: what is refused before any
build, the build context, the LABEL step, the build held to the run's limits, the image-size limit, and what the
session must remove afterwards."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .build_context import ContextError
from .build_failure import failed_build, links_out_message
from .build_loop import BuildRequest
from .build_policy import refusal
from .buildkit import buildkit_features, classic_builder_message
from .core import HarnessError, Inconclusive
from .dockerfile import Dockerfile
from .engine import Engine
from .exercise import TaskSpec
from .guards import limited_build
from .label_step import image_under_labels, labelled_dockerfile
from .limits import format_size
from .run_settings import RunSettings
from .session_modes import SessionMode
from .session_types import BuildResult, BuiltImage
from .standins import Standins
from .submission import Submission


@dataclass(frozen=True)
class TaskImage:
    result: BuildResult
    leftovers: list[str] = field(default_factory=list)  # images the session removes when it closes


@dataclass(frozen=True)
class ImageBuilder:
    """Builds the images of a run's sessions on one engine."""

    engine: Engine
    standins: Standins
    mode: SessionMode
    settings: RunSettings
    run_id: str
    labels: dict[str, str]  # the run's

    def build(self, submission: Submission, task: TaskSpec, path: Path, dockerfile: Dockerfile) -> TaskImage:
        """The image of the task's Dockerfile at `path`, whose model is `dockerfile`; a machine problem (no engine,
        disk full) raises HarnessError, one this machine would only repeat Inconclusive."""
        refused = refusal(dockerfile)
        if refused is not None:  # a privileged or host-network build feature: never sent to the engine
            return TaskImage(BuildResult(False, None, refused.message, line=refused.line))
        needs_buildkit = buildkit_features(dockerfile)
        if needs_buildkit:  # the engine API's classic builder would stop on it: the machine's limit, not the file's
            stop = next((problem for problem in dockerfile.problems if problem.stops_build), None)
            if stop is not None:  # unless BuildKit would stop too
                return TaskImage(BuildResult(False, None, f"line {stop.line}: {stop.message}: no builder reads the "
                                             "file, BuildKit neither", line=stop.line))
            raise Inconclusive(classic_builder_message(needs_buildkit))
        tag = self.mode.tag(submission, task, self.run_id)
        try:
            context = self.mode.context(submission, path, self.settings.limits)
        except ContextError as problem:
            return TaskImage(BuildResult(False, None, f"cannot make the build context: {problem}"))
        labels = self.mode.image_labels(self.labels, tag)
        with context:
            if context.links_out:
                return TaskImage(BuildResult(False, None, links_out_message(context.links_out)))
            self.standins.refuse_missing(dockerfile)
            name, api_labels, extra_steps = context.dockerfile, labels, len(labels or ())
            labelled = labelled_dockerfile(context, labels) if labels else None
            if labelled is not None:  # one LABEL step instead of the API's one per label
                name, api_labels, extra_steps = str(labelled), None, 1
            request = BuildRequest(context.path, name, tag, api_labels, self.settings.build_timeout)
            output = limited_build(self.engine, request, self.settings.limits, on_line=self.settings.on_build_line)
        if output.image_id is None:
            result = failed_build(output, dockerfile, extra_steps=extra_steps, notes=context.notes,
                                  unfaithful_standin=lambda: self.standins.unfaithful_base(dockerfile))
            owned = self.mode.images_to_remove(tag)
            return TaskImage(result, owned if owned and self.engine.inspect_image(tag) else [])
        return self._built(tag, output.image_id, tuple(output.log), output.seconds, extra_steps)

    def _built(self, tag: str, image_id: str, log: tuple[str, ...], seconds: float, extra_steps: int) -> TaskImage:
        attrs = self.engine.inspect_image(image_id)
        if attrs is None:
            raise HarnessError(f"the image {tag} vanished right after its build")
        leftovers = self.mode.images_to_remove(tag)
        size, most = int(attrs.get("Size") or 0), self.settings.limits.image_bytes
        if most and size > most:
            for leftover in leftovers:  # its own layers too: the space given back
                self.engine.remove_image(leftover, prune=True)
            return TaskImage(BuildResult(False, None, f"the image is {format_size(size)}, over the grader's limit of "
                                         f"{format_size(most)} (this exercise's images are well under 1 GiB): not "
                                         "graded further", log, seconds=seconds), leftovers)
        unlabelled, label_images = image_under_labels(self.engine, attrs, extra_steps)
        image = BuiltImage.inspected(tag, attrs, standin_base=self.standins.replaced_base(attrs.get("Config") or {}),
                                     unlabelled_id=unlabelled)
        cached = sum(1 for text in log if text.strip() == "---> Using cache")
        return TaskImage(BuildResult(True, image, f"built {tag} in {seconds:.1f} s ({cached} cached step(s))", log,
                                     seconds=seconds), leftovers + label_images)
