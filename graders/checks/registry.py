"""The explicit list of checks. A check module defines one `check`; its id is the module name with dashes."""

from __future__ import annotations

from .base import Check
from .static import (
    apt_lists_removed,
    apt_package_installed,
    base_image,
    cmd,
    copy_context,
    deadsnakes_ppa,
    debian_frontend_arg,
    dockerignore,
    entrypoint,
    expose,
    no_install_recommends,
    no_manual_python,
    non_root_user,
    one_command_per_run,
    pinned_python_packages,
    pip_no_cache_dir,
    poetry_install,
    poetry_project,
    pythonunbuffered_env,
    single_install_run,
    user_scripts_on_path,
    workdir,
)

STATIC_MODULES = (
    base_image, debian_frontend_arg, pythonunbuffered_env, one_command_per_run, single_install_run, deadsnakes_ppa,
    apt_package_installed, pinned_python_packages, no_install_recommends, pip_no_cache_dir, apt_lists_removed,
    no_manual_python, poetry_install, poetry_project, dockerignore, workdir, copy_context, expose, entrypoint, cmd,
    non_root_user, user_scripts_on_path,
)
CHECKS: tuple[Check, ...] = tuple(module.check for module in STATIC_MODULES)
REGISTRY: dict[str, Check] = {check.id: check for check in CHECKS}

# The dynamic checks (build and run the image), in report order after the static ones.
from .dynamic import (  # noqa: E402
    apt_lists_empty,
    builds,
    image_config,
    no_pip_cache,
    pushed,
    python_version,
    runs_as_non_root,
    serves_http,
    smaller_than_previous,
)

DYNAMIC_MODULES = (
    builds, image_config, serves_http, python_version, apt_lists_empty, no_pip_cache, smaller_than_previous,
    runs_as_non_root, pushed,
)
CHECKS = CHECKS + tuple(module.check for module in DYNAMIC_MODULES)
REGISTRY = {check.id: check for check in CHECKS}
