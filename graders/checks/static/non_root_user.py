from collections.abc import Iterator

from ...core import Verdict, failed, passed
from ...dockerfile import Command, Dockerfile
from ...dockerfile.calls import useradd_call
from ..base import static_check
from ..context import StaticContext
from ._instructions import word


def _created_users(dockerfile: Dockerfile) -> Iterator[tuple[Command, str, str | None]]:
    """(command, name, uid or None) of every useradd / adduser that builds the final image."""
    for stage in dockerfile.lineage:
        for _, command in stage.commands():
            call = useradd_call(command)
            if call is not None and call.name is not None:
                yield command, call.name, call.uid


@static_check(
    "non-root-user",
    title="The container runs as a non-root user",
    hint="Create the user with a fixed uid (`RUN useradd --uid {uid} --create-home <name>`) and end with "
         "`USER {uid}`.",
    reads_run_commands=True,
)
def check(context: StaticContext, *, uid: int) -> Verdict:
    dockerfile = context.dockerfile
    created = list(_created_users(dockerfile))
    name = next((name for _, name, found in created if found and found.isdigit() and int(found) == uid), None)
    if name is None:
        if created:
            command, name, found = created[0]
            given = f"uid {found}" if found else "the next free uid"
            return failed(f"`{command.text}` creates {name} with {given}; the uid {uid} is required: write "
                          f"`useradd --uid {uid} {name}`", command.line)
        return failed(f"no user with uid {uid} is created; add `RUN useradd --uid {uid} --create-home <name>`")
    users = dockerfile.inherited("USER")
    if not users:
        return failed(f"no USER: the container runs as root; add `USER {uid}` at the end, before ENTRYPOINT")
    last = users[-1]
    account = word(last).partition(":")[0]
    if account in (str(uid), name):
        return passed(line=last.line)
    if account in ("root", "0"):
        earlier = next((u for u in reversed(users) if word(u).partition(":")[0] in (str(uid), name)), None)
        after = f" (after `{earlier.source}` on line {earlier.line})" if earlier else ""
        return failed(f"`{last.source}`{after} makes the container run as root; end with `USER {uid}`", last.line)
    return failed(f"`{last.source}` runs the container as {account}, not as {name} (uid {uid}); write `USER {uid}`",
                  last.line)
