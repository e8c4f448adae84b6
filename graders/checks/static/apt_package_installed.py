from ...core import Verdict
from ..base import static_check
from ..context import StaticContext
from ._installs import package_installed


@static_check(
    "apt-package-installed",
    title="{package} is installed with apt",
    hint="Install it from the distribution's archive by its exact package name: `apt-get install -y {package}`.",
    reads_run_commands=True,
)
def check(context: StaticContext, *, package: str) -> Verdict:
    return package_installed(context.dockerfile.image, package)
