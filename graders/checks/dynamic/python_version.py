import re

from ..base import dynamic_check, failed, passed, skipped


@dynamic_check(
    "python-version",
    title="The image's python is 3.8",
    hint="Install python 3.8 (deadsnakes' python3.8 on ubuntu:20.04) or use the python:3.8.12 base images.",
)
def check(session, *, executable: str = "python", version: str = "3.8"):
    image = session.image()
    if image.standin_base:
        return skipped(
            f"offline stand-in base image for {image.standin_base}: its python is not the exercise's, so its version "
            f"says nothing about the Dockerfile; grade on a machine that can pull {image.standin_base}"
        )
    result = session.run_in_image([executable, "--version"])
    output = result.output.strip()
    found = re.search(r"Python (\d+)\.(\d+)(\.\d+)?", output)
    if result.exit_code != 0 or not found:
        code = "did not finish" if result.exit_code is None else f"exit code {result.exit_code}"
        return failed(f"`{executable} --version` does not run in the image ({code}): {output[-300:] or 'no output'}")
    actual = found.group(0)
    if f"{found.group(1)}.{found.group(2)}" != version:
        return failed(f"expected Python {version}.x from `{executable} --version`, actual: {actual}")
    return passed(f"`{executable} --version`: {actual}")
