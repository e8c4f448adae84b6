from collections.abc import Iterable

from ...core import Verdict, failed, passed
from ...dockerfile import Instruction, apt_call
from ...dockerfile.calls import add_repository_call
from ..base import static_check
from ..context import StaticContext


def _setting(instructions: Iterable[Instruction], keyword: str, name: str) -> tuple[Instruction | None, str | None]:
    """The first of `instructions` that sets `name` with `keyword`, and the value it gives."""
    for instruction in instructions:
        if instruction.keyword == keyword:
            for key, value in instruction.key_values():
                if key == name:
                    return instruction, value
    return None, None


@static_check(
    "debian-frontend-arg",
    title="{name} is a build ARG, not an ENV",
    hint="Declare `ARG {name}={value}` right after FROM: it holds for the build's apt commands only, not for the "
    "containers.",
    reads_run_commands=True,
)
def check(context: StaticContext, *, name: str, value: str) -> Verdict:
    dockerfile, final = context.dockerfile, context.dockerfile.final
    wanted = f"ARG {name}={value}"
    env, _ = _setting(dockerfile.instructions, "ENV", name)
    if env:
        return failed(
            f"`{env.source}` sets {name} with ENV, which persists into every container and child image of this "
            f"one; replace it with `{wanted}`, which lasts only for the build",
            env.line,
        )
    arg, given = _setting(final.instructions, "ARG", name)
    global_arg, global_value = _setting([i for i in dockerfile.instructions if i.stage < 0], "ARG", name)
    if arg is None:
        inline = next((c for _, c in final.commands() if name in c.env), None)
        if inline:
            return failed(
                f"`{name}={inline.env[name]} {inline.text}` sets the variable for that one command: fine at "
                f"runtime, but the exercise asks for `{wanted}` after FROM",
                inline.line,
            )
        if global_arg:
            return failed(
                f"`{global_arg.source}` before FROM is visible to FROM lines only; write `{wanted}` after FROM",
                global_arg.line,
            )
        return failed(f"no `{wanted}` in the final stage; declare it right after its FROM", final.line or None)
    given = given or global_value or ""  # `ARG NAME` alone takes the global ARG's default
    if given != value:
        problem = f"the value `{given}`" if given else "no value"
        return failed(f"`{arg.source}` gives {name} {problem}; write `{wanted}`", arg.line)
    first_apt = next((c for _, c in final.commands() if apt_call(c) or add_repository_call(c)), None)
    if first_apt and first_apt.line < arg.line:
        return failed(
            f"`{first_apt.text}` runs before `{arg.source}` (line {arg.line}), so apt may still prompt; move the ARG "
            "up, right after FROM",
            first_apt.line,
        )
    return passed(line=arg.line)
