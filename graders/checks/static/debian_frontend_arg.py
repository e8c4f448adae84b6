from ...dockerfile import apt_call
from ...dockerfile.calls import add_repository_call
from ..base import failed, passed, static_check

_NAME = "DEBIAN_FRONTEND"
_WANTED = f"ARG {_NAME}=noninteractive"


def _setting(instructions, keyword: str):
    """The first of `instructions` that sets DEBIAN_FRONTEND with `keyword`, and the value it gives."""
    for instruction in instructions:
        if instruction.keyword == keyword:
            for key, value in instruction.key_values():
                if key == _NAME:
                    return instruction, value
    return None, None


@static_check(
    "debian-frontend-arg",
    title="DEBIAN_FRONTEND is a build ARG, not an ENV",
    hint=f"Declare `{_WANTED}` right after FROM: it silences apt's prompts during the build only.",
    reads_run_commands=True,
)
def check(context):
    dockerfile, final = context.dockerfile, context.dockerfile.final
    env, _ = _setting(dockerfile.instructions, "ENV")
    if env:
        return failed(
            f"`{env.source}` sets {_NAME} with ENV, which persists into every container and child image of this "
            f"one; replace it with `{_WANTED}`, which lasts only for the build",
            env.line,
        )
    arg, value = _setting(final.instructions, "ARG")
    global_arg, global_value = _setting([i for i in dockerfile.instructions if i.stage < 0], "ARG")
    if arg is None:
        inline = next((c for _, c in final.commands() if _NAME in c.env), None)
        if inline:
            return failed(
                f"`{_NAME}={inline.env[_NAME]} {inline.text}` sets the variable for that one command: fine at "
                f"runtime, but the exercise asks for `{_WANTED}` after FROM",
                inline.line,
            )
        if global_arg:
            return failed(
                f"`{global_arg.source}` before FROM is visible to FROM lines only; write `{_WANTED}` after FROM",
                global_arg.line,
            )
        return failed(f"no `{_WANTED}` in the final stage; declare it right after its FROM", final.line or None)
    value = value or global_value or ""  # `ARG DEBIAN_FRONTEND` alone takes the global ARG's default
    if value != "noninteractive":
        given = f"the value `{value}`" if value else "no value"
        return failed(f"`{arg.source}` gives {_NAME} {given}; write `{_WANTED}`", arg.line)
    first_apt = next((c for _, c in final.commands() if apt_call(c) or add_repository_call(c)), None)
    if first_apt and first_apt.line < arg.line:
        return failed(
            f"`{first_apt.text}` runs before `{arg.source}` (line {arg.line}), so apt may still prompt; move the ARG "
            "up, right after FROM",
            first_apt.line,
        )
    return passed(line=arg.line)
