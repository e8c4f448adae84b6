from collections.abc import Iterable

from ...core import Verdict, failed, passed
from ...dockerfile import Instruction
from ...dockerfile.shell import expand
from ..base import static_check
from ..context import StaticContext


def _last_setting(instructions: Iterable[Instruction], name: str) -> tuple[Instruction | None, str | None]:
    """The last of `instructions` that sets `name`, with the value it gives (variables substituted)."""
    found: tuple[Instruction | None, str | None] = None, None
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
def check(context: StaticContext, *, name: str, value: str) -> Verdict:
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
