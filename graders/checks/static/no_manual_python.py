from packaging.utils import canonicalize_name

from ...core import Verdict, failed, passed
from ...dockerfile.calls import add_repository_call, apt_call
from ..base import static_check
from ..context import StaticContext
from ._python_packages import named_requirements, pip_installs

_BASE_IMAGE_SHIPS = "the python base image already ships python and pip; remove it"
_USE_POETRY = "declare the app's packages with `poetry add` and let `poetry install` install them"


@static_check(
    "no-manual-python",
    title="Python comes from the base image, the app's packages from poetry",
    hint="The python base image already has python and pip: drop the PPA {ppa} and the apt installs of "
    "{apt_packages}, and declare the app's packages ({app_packages}) with `poetry add` instead of pip installing "
    "them.",
    reads_run_commands=True,
)
def check(context: StaticContext, *, ppa: str, apt_packages: tuple[str, ...], app_packages: tuple[str, ...]) -> Verdict:
    stage = context.dockerfile.image
    app = {canonicalize_name(package) for package in app_packages}
    findings: list[tuple[int, str]] = []
    for _run, command in stage.commands():
        repository = add_repository_call(command)
        if repository and any(_same_ppa(name, ppa) for name in repository.repositories):
            findings.append((command.line, f"`{command.text}` adds the {ppa} PPA: {_BASE_IMAGE_SHIPS}"))
        apt = apt_call(command)
        named = [package for package in apt_packages if apt and apt.action == "install" and apt.names(package)]
        if named:
            findings.append((command.line, f"`{command.text}` installs {', '.join(named)}: {_BASE_IMAGE_SHIPS}"))
    for _run, call in pip_installs(stage):
        requirements, _unread = named_requirements(context, call)
        installed = sorted({r.name for r in requirements if r.name in app})
        if installed:
            message = f"`{call.command.text}` pip installs {', '.join(installed)}: {_USE_POETRY}"
            findings.append((call.command.line, message))
    if findings:
        findings.sort()
        return failed("; ".join(f"line {line}: {message}" for line, message in findings), findings[0][0])
    return passed()


def _same_ppa(repository: str, ppa: str) -> bool:
    """`ppa:deadsnakes` is short for `ppa:deadsnakes/ppa`."""
    repository = repository.lower()
    return ppa.lower() in (repository, f"{repository}/ppa")
