from ..base import static_check
from ._installs import package_installed


@static_check(
    "pip-installed",
    title="pip is installed with apt",
    hint="Install pip from Ubuntu's archive: `apt-get install -y python3-pip`.",
    reads_run_commands=True,
)
def check(context, *, package: str = "python3-pip"):
    return package_installed(context.dockerfile.image, package)
