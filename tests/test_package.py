"""The harness is a package of its own (graders/pyproject.toml): its wheel holds the code and data, the console
script and the pytest plugin's entry point, and runs from where it is installed."""

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

import graders

PACKAGE = Path(graders.__file__).resolve().parent


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    folder = tmp_path_factory.mktemp("package")
    source = folder / "source" / "graders"  # setuptools builds in place: never in the repo's tree
    shutil.copytree(PACKAGE, source, ignore=shutil.ignore_patterns("__pycache__"))
    built = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(folder / "wheel"),
                            str(source)], capture_output=True, text=True, timeout=300)
    assert built.returncode == 0, built.stderr
    [wheel] = (folder / "wheel").glob("graders-*.whl")
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "--quiet", "--target", str(folder / "site"),
                    str(wheel)], check=True, capture_output=True, timeout=300)
    return wheel, folder / "site"


def test_the_wheel_holds_the_code_and_its_data_not_the_build_folder(installed):
    wheel, _site = installed
    names = zipfile.ZipFile(wheel).namelist()
    assert wheel.name.startswith(f"graders-{graders.__version__}-")
    for expected in ("graders/cli.py", "graders/checks/static/base_image.py", "graders/build_causes.toml",
                     "graders/report/dashboard/style.css", "graders/suites/test_rubric.py"):
        assert expected in names
    assert not [name for name in names if name.startswith("graders/build/") or name.endswith("pyproject.toml")]
    entry_points = next(zipfile.ZipFile(wheel).read(n).decode() for n in names if n.endswith("entry_points.txt"))
    assert "[console_scripts]\ngraders = graders.cli:main" in entry_points
    assert "[pytest11]\ngraders = graders.pytest_plugin" in entry_points


def test_the_installed_package_runs_on_its_own(installed, tmp_path):
    _wheel, site = installed
    version = subprocess.run([sys.executable, "-m", "graders", "--version"], cwd=tmp_path, capture_output=True,
                             text=True, env={"PYTHONPATH": str(site)}, timeout=60)
    assert version.returncode == 0, version.stderr
    assert version.stdout.strip() == f"graders, version {graders.__version__}"
    loaded = subprocess.run([sys.executable, "-c", "import graders; print(graders.__file__)"], cwd=tmp_path,
                            capture_output=True, text=True, env={"PYTHONPATH": str(site)}, timeout=60)
    assert loaded.stdout.strip().startswith(str(site))
