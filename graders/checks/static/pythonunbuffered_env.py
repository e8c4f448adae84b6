from ...dockerfile.shell import expand
from ..base import failed, passed, static_check

_NAME = "PYTHONUNBUFFERED"


def _last_setting(instructions):
    """The last of `instructions` that sets PYTHONUNBUFFERED, with the value it gives (variables substituted)."""
    found = None, None
    for instruction in instructions:
        for key, value in instruction.key_values():
            if key == _NAME:
                found = instruction, expand(value, instruction.variables)
    return found


@static_check(
    "pythonunbuffered-env",
    title="PYTHONUNBUFFERED is set in the image",
    hint=f"Add `ENV {_NAME}=1` so that Python's output reaches `docker logs` at once.",
)
def check(context):
    env, value = _last_setting(context.dockerfile.inherited("ENV"))
    if env is None:
        arg, _ = _last_setting(context.dockerfile.inherited("ARG"))
        if arg:
            return failed(
                f"`{arg.source}` lasts only for the build: ARG does not persist into the container; "
                f"write `ENV {_NAME}=1`",
                arg.line,
            )
        return failed(f"no `ENV {_NAME}=1`; add it after FROM")
    if value != "1":
        given = f"the value `{value}`" if value else "an empty value"
        return failed(f"`{env.source}` gives {_NAME} {given}; write `ENV {_NAME}=1`", env.line)
    return passed(line=env.line)
