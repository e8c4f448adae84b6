from ..base import static_check
from ._installs import package_installed


@static_check(
    "python38-installed",
    title="python3.8 is installed with apt",
    hint="Install the interpreter by its versioned package name: `apt-get install -y python3.8` (after adding the "
    "deadsnakes PPA).",
    reads_run_commands=True,
)
def check(context, *, package: str = "python3.8"):
    return package_installed(context.dockerfile.image, package)
