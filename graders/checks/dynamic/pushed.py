from ...core import Verdict, failed, passed, skipped
from ..base import dynamic_check
from ..session import DynamicSession


@dynamic_check(
    "pushed",
    title="The image is pushed to the registry",
    hint="Tag the image you built and push it: `docker tag {task_tag} HOST/PROJECT/REPOSITORY/{task_tag} && docker "
         "push HOST/PROJECT/REPOSITORY/{task_tag}` (the exercise's `make push...` target does both).",
)
def check(session: DynamicSession) -> Verdict:
    if not session.registry:
        return skipped("no registry configured (--registry HOST/PROJECT/REPOSITORY)")
    image = session.image()
    from ...registry_client import remote_config_digest

    reference = f"{session.registry}/{session.task.tag}"
    remote = remote_config_digest(reference, docker_config=session.docker_config)
    if remote is None:
        return failed(f"{reference} is not in the registry: push the tag")
    if remote != image.build_id:
        return failed(f"{reference} is another image: expected config digest {image.build_id} (the local build), "
                      f"actual: {remote}; push the image you built last")
    return passed(f"{reference} holds the local build ({remote[:19]})")
