"""The harness's LABEL step in a batch: each image carries its run's labels and its own tag, so that two students
with the same Dockerfile get two images (removing one never removes the other's), while the Dockerfile's own
layers stay the shared build cache and the image under the LABEL step stays what a plain `docker build` makes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .build_context import BuildContext
from .dockerfile import parse
from .engine import Engine
from .labels import harness_labelled
from .submission import read_text_file


def labelled_dockerfile(context: BuildContext, labels: dict[str, str]) -> Path | None:
    """The context's Dockerfile plus one `LABEL` instruction, written beside (not in) the context, so that `COPY .`
    layers stay cacheable across runs; None when the file's end would swallow the LABEL (a line continuation in its
    `# escape=` character, an unterminated heredoc): the build API labels the image then, one step per label."""
    try:
        text = read_text_file(context.path / context.dockerfile)
    except Exception:
        return None
    pairs = " ".join(f'{key}="{value}"' for key, value in sorted(labels.items()))
    labelled = text.rstrip("\n") + f"\n\nLABEL {pairs}\n"
    last = parse(labelled).instructions[-1:]
    if not last or last[0].keyword != "LABEL" or dict(last[0].key_values()) != labels:
        return None
    target = context.outside(context.dockerfile + ".graders")
    target.write_text(labelled, encoding="utf-8")
    return target


def image_under_labels(engine: Engine, attrs: dict[str, Any], steps: int) -> tuple[str | None, list[str]]:
    """The image the Dockerfile's own steps made, under the harness's `steps` LABEL steps of the image `attrs`
    (what a plain `docker build` makes, and what a student pushes; None when no step was added or a parent is
    gone), and the images of those LABEL steps, for removal with the tag."""
    label_images: list[str] = []
    for _ in range(steps):
        parent = attrs.get("Parent")
        found = engine.inspect_image(parent) if parent else None
        if found is None:
            return None, label_images
        attrs = found
        if harness_labelled(attrs):
            label_images.append(attrs["Id"])
    return (attrs["Id"] if steps else None), label_images
