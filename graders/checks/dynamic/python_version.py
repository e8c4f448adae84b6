import re

from ...core import Verdict, failed, passed, skipped
from ..base import dynamic_check
from ..session import DynamicSession

_VERSION = re.compile(r"Python (\d+(?:\.\d+)*)")


@dynamic_check(
    "python-version",
    title="The image's python is {version}",
    hint="`{executable} --version` in the image must print Python {version}: install that version, or start from a "
         "base image that ships it.",
)
def check(session: DynamicSession, *, executable: str, version: str) -> Verdict:
    """`version` counts to the precision given: "3.8" accepts any 3.8.x, "3.8.10" only 3.8.10."""
    image = session.image()
    if image.standin_base:
        return skipped(
            f"offline stand-in base image for {image.standin_base}: its python is not the exercise's, so its version "
            f"says nothing about the Dockerfile; grade on a machine that can pull {image.standin_base}"
        )
    result = session.run_in_image([executable, "--version"])
    output = result.output.strip()
    found = _VERSION.search(output)
    if result.exit_code != 0 or not found:
        code = "did not finish" if result.exit_code is None else f"exit code {result.exit_code}"
        return failed(f"`{executable} --version` does not run in the image ({code}): {output[-300:] or 'no output'}")
    actual, wanted = found.group(0), version.split(".")
    if found.group(1).split(".")[: len(wanted)] != wanted:
        expected = version if len(wanted) >= 3 else f"{version}.x"
        return failed(f"`{executable} --version`: expected Python {expected}, actual: {actual}")
    return passed(f"`{executable} --version`: {actual}")
