"""What in a Dockerfile only BuildKit builds: Docker's classic builder (the only one the Docker Engine API's
/build offers without a BuildKit session) stops on it with "unknown instruction" or "Unknown flag".

The verdict of such a file on a classic-only engine is the machine's `error`, settled (grading it again here gives
the same), never the student's failure: `docker build` on Docker Engine 23 and later is BuildKit, where it builds.
"""

from __future__ import annotations

from dataclasses import dataclass

from .dockerfile import Dockerfile
from .dockerfile.model import Instruction

# Flags the classic builder does not know, by instruction (it knows COPY/ADD --chown and COPY --from only).
_FLAGS = {
    "RUN": {"--mount": "RUN --mount", "--network": "RUN --network", "--security": "RUN --security"},
    "COPY": {"--chmod": "COPY --chmod", "--link": "COPY --link", "--parents": "COPY --parents",
             "--exclude": "COPY --exclude"},
    "ADD": {"--chmod": "ADD --chmod", "--link": "ADD --link", "--checksum": "ADD --checksum",
            "--keep-git-dir": "ADD --keep-git-dir", "--exclude": "ADD --exclude"},
}


@dataclass(frozen=True)
class Feature:
    name: str  # "heredocs", "RUN --mount"
    line: int


def buildkit_features(dockerfile: Dockerfile) -> list[Feature]:
    """Each BuildKit-only feature of the file, once, at its first line, in file order."""
    found: dict[str, Feature] = {}
    for instruction in dockerfile.instructions:
        for name in _features(instruction):
            found.setdefault(name, Feature(name, instruction.line))
    return sorted(found.values(), key=lambda feature: feature.line)


def _features(instruction: Instruction) -> list[str]:
    names = ["heredocs"] if instruction.heredocs else []
    known = _FLAGS.get(instruction.keyword, {})
    for flag in instruction.flags:
        name = known.get(flag.partition("=")[0].lower())
        if name:
            names.append(name)
    return names


def classic_builder_message(features: list[Feature]) -> str:
    listed = ", ".join(f"{feature.name} (line {feature.line})" for feature in features)
    return (f"this grader's engine builds with Docker's classic builder, which has no {listed}: the file needs "
            "BuildKit, as `docker build` uses since Docker Engine 23, so it is not built here and says nothing of "
            "the Dockerfile; grade it where the engine offers BuildKit")
