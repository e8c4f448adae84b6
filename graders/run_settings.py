"""What every Docker session of a run shares and no submission changes: the limits, the time budgets, the probe's
pace and the registry the images must be pushed to."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .limits import Limits


@dataclass(frozen=True)
class RunSettings:
    limits: Limits = Limits()
    build_timeout: float = 900.0  # seconds for one build
    run_timeout: float = 60.0  # seconds for one container to answer
    probe_interval: float = 0.1  # seconds between two requests of the probe
    request_timeout: float = 2.0  # seconds for one request of the probe
    registry: str | None = None  # HOST/PROJECT/REPOSITORY where `pushed` looks for the images
    docker_config: str | None = None  # the Docker client config folder holding the registry's credentials
    keep_images: bool = False  # leave a batch's images in the engine (to look at them after the run)
    on_build_line: Callable[[str], None] | None = None  # told each line of every build's log (progress display)

    @property
    def push_registry(self) -> str | None:
        """The registry without a trailing slash (`pushed` appends `/<tag>`)."""
        return self.registry.rstrip("/") if self.registry else None
