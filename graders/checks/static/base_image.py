from ...core import Verdict, failed, passed
from ..base import static_check
from ..context import StaticContext

_DOCKER_HUB = frozenset({"docker.io", "index.docker.io", "registry-1.docker.io"})


def _repository_and_tag(reference: str) -> tuple[str, str | None]:
    """`docker.io/library/ubuntu:20.04@sha256:...` -> (`ubuntu`, `20.04`); the tag is None when not written."""
    name = reference.partition("@")[0]
    registry, slash, rest = name.partition("/")
    if slash and registry in _DOCKER_HUB:
        name = rest
    name = name.removeprefix("library/")
    path, colon, tag = name.rpartition(":")
    if not colon or "/" in tag:  # the colon belonged to a registry port
        return name, None
    return path, tag


def _canonical(reference: str) -> str:
    repository, tag = _repository_and_tag(reference)
    if tag is None and "@" in reference:
        return reference  # pinned by digest alone: which tag it was cannot be told
    return f"{repository}:{tag or 'latest'}"


@static_check(
    "base-image",
    title="The task's base image",
    hint="Start from the base image the task names, with its exact tag: `FROM {image}`.",
)
def check(context: StaticContext, *, image: str, aliases: tuple[str, ...] = ()) -> Verdict:
    stages = context.dockerfile.lineage
    if not stages:
        return failed(f"no FROM instruction; start the Dockerfile with `FROM {image}`")
    root = stages[0]
    found = _canonical(root.base)
    if found in {_canonical(spelling) for spelling in (image, *aliases)}:
        return passed(line=root.line)
    via = f" (the final stage is built on stage `{stages[1].base}`)" if len(stages) > 1 else ""
    if _repository_and_tag(root.base)[1] is None and found.endswith(":latest"):
        problem = f"without a tag Docker pulls `{found}`, which changes with every release"
    elif found.endswith(":latest"):
        problem = f"`{found}` changes with every release"
    else:
        problem = f"the task requires `{image}`"
    return failed(f"`FROM {root.base}` on line {root.line}{via}: {problem}; write `FROM {image}`", root.line)
