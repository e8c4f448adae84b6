from ...core import failed, passed
from ...dockerfile.shell import expand
from ..base import static_check


def _last_setting(instructions, name: str):
    """The last of `instructions` that sets `name`, with the value it gives (variables substituted)."""
    found = None, None
    for instruction in instructions:
        for key, value in instruction.key_values():
            if key == name:
                found = instruction, expand(value, instruction.variables)
    return found


@static_check(
    "pythonunbuffered-env",
    title="{name} is set in the image",
    hint="Add `ENV {name}={value}` after FROM: unlike ARG, ENV lasts into the image and every container started "
    "from it.",
)
def check(context, *, name: str, value: str):
    wanted = f"ENV {name}={value}"
    env, given = _last_setting(context.dockerfile.inherited("ENV"), name)
    if env is None:
        arg, _ = _last_setting(context.dockerfile.inherited("ARG"), name)
        if arg:
            return failed(
                f"`{arg.source}` lasts only for the build: ARG does not persist into the container; write `{wanted}`",
                arg.line,
            )
        return failed(f"no `{wanted}`; add it after FROM")
    if given != value:
        problem = f"the value `{given}`" if given else "an empty value"
        return failed(f"`{env.source}` gives {name} {problem}; write `{wanted}`", env.line)
    return passed(line=env.line)
