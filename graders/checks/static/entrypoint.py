import json

from ...core import Verdict, failed, passed
from ..base import static_check
from ..context import StaticContext


@static_check(
    "entrypoint",
    title="ENTRYPOINT in exec form",
    hint="Write ENTRYPOINT in exec form, as the JSON array {accepted}, so that CMD is appended as its arguments.",
)
def check(context: StaticContext, *, accepted: tuple[tuple[str, ...], ...]) -> Verdict:
    forms = [tuple(words) for words in accepted]
    wanted = " or ".join(f"`ENTRYPOINT {json.dumps(list(words))}`" for words in forms)
    found = context.dockerfile.inherited("ENTRYPOINT")
    if not found:
        return failed(f"no ENTRYPOINT; add {wanted}")
    entrypoint = found[-1]
    if entrypoint.json_error:
        return failed(
            f"`{entrypoint.source}` is not valid JSON, so Docker falls back to shell form: it runs the line under "
            f"/bin/sh -c and ignores CMD; write {wanted}",
            entrypoint.line,
        )
    if entrypoint.exec_form is None:
        return failed(
            f"`{entrypoint.source}` is shell form; Docker then runs it under /bin/sh -c and ignores CMD, so "
            f"`{entrypoint.value}` starts with no app. Write {wanted}",
            entrypoint.line,
        )
    if entrypoint.exec_form not in forms:
        runs = f"runs `{' '.join(entrypoint.exec_form)}`" if entrypoint.exec_form else "clears the entrypoint"
        return failed(f"`{entrypoint.source}` {runs}; the task expects {wanted}", entrypoint.line)
    return passed(line=entrypoint.line)
