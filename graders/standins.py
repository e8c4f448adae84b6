"""The offline stand-in policy: where Docker Hub is out of reach, `make offline-bases` gives the engine labelled
stand-ins of the exercises' base images (README, "Docker offline"). Such an engine never pulls, a build on a
stand-in says so in its result, and a build that fails on a stand-in unlike the real image proves nothing."""

from __future__ import annotations

import functools
from typing import Any

from .core import Inconclusive
from .dockerfile import Dockerfile
from .dockerfile.shell import expand
from .engine import Engine

STANDIN_LABEL = "graders.standin"  # on a stand-in: the image it stands in for


class Standins:
    """What the offline stand-ins of one engine mean for the builds made on it."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    @functools.cached_property
    def in_use(self) -> bool:
        """Whether this engine holds offline stand-ins: then it cannot pull from Docker Hub."""
        return bool(self.engine.labelled(STANDIN_LABEL).get("images"))

    def refuse_missing(self, dockerfile: Dockerfile) -> None:
        """On an engine of stand-ins, Inconclusive when the Dockerfile needs an image the engine lacks (FROM a
        base, COPY --from an image): it cannot pull it, so it must not try (a pull would only reach for a registry
        out of reach)."""
        if not self.in_use:
            return
        stages = dockerfile.stages
        copied = [expand(flag.split("=", 1)[1], copy.variables) for stage in stages for copy in stage.all("COPY")
                  for flag in copy.flags if flag.lower().startswith("--from=")]
        own = {stage.name for stage in stages if stage.name} | {str(stage.index) for stage in stages} | {"scratch"}
        images = [image for image in [stage.base for stage in stages] + copied if image and image.lower() not in own]
        missing = [image for image in dict.fromkeys(images) if self.engine.inspect_image(image) is None]
        if missing:
            raise Inconclusive(
                f"the image {', '.join(f'`{base}`' for base in missing)} is not on this machine, which grades on "
                "offline stand-ins of the exercise's base images because it cannot reach Docker Hub: it does not try "
                "to pull it. Grade where Docker Hub is reachable."
            )

    def replaced_base(self, config: dict[str, Any]) -> str | None:
        """The base image an offline stand-in replaced in a built image: the image inherits the stand-in's label,
        and the local image of that name must carry the same label (a student's own LABEL does not fake it)."""
        reference = (config.get("Labels") or {}).get(STANDIN_LABEL)
        if not reference:
            return None
        return reference if self._standin_of(reference) == reference else None

    def unfaithful_base(self, dockerfile: Dockerfile) -> str | None:
        """The Ubuntu image an offline stand-in (Debian) replaces as this Dockerfile's base, if it does: builds
        that fail there prove nothing (the python stand-ins are Debian like the real python images)."""
        stages = dockerfile.stages
        if not stages or not stages[-1].base:
            return None
        reference = self._standin_of(stages[-1].base) or ""
        return reference if reference.startswith("ubuntu") else None

    def _standin_of(self, image: str) -> str | None:
        """What the local image `image` stands in for, by its label; None for a real image (or none)."""
        attrs = self.engine.inspect_image(image)
        labels = ((attrs or {}).get("Config") or {}).get("Labels") or {}
        found = labels.get(STANDIN_LABEL)
        return str(found) if found else None

