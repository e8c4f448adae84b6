"""What commands mean: apt, pip, poetry and rm calls, with their options and operands."""

import pytest

from graders.dockerfile import apt_call, parse, pip_call, poetry_call, remove_call
from graders.dockerfile.calls import add_repository_call


def command(text):
    return parse(f"FROM x\nRUN {text}\n").final.runs[0].commands[0]


@pytest.mark.parametrize(
    ("text", "action", "packages"),
    [
        ("apt-get -y install software-properties-common", "install", ("software-properties-common",)),
        ("apt install -y python3.8 python3-pip", "install", ("python3.8", "python3-pip")),
        ("apt-get -qq -o Dpkg::Use-Pty=0 install x", "install", ("x",)),
        ("apt-get update", "update", ()),
        ("apt-get -t focal-backports install x", "install", ("x",)),
    ],
)
def test_apt_calls(text, action, packages):
    call = apt_call(command(text))
    assert (call.action, call.packages) == (action, packages)


@pytest.mark.parametrize(
    ("text", "recommends"),
    [
        ("apt-get install -y x", True),
        ("apt-get install -y --no-install-recommends x", False),
        ("apt-get -o APT::Install-Recommends=false install x", False),
        ("apt-get -o APT::Install-Recommends=0 install x", False),
        ("apt-get -o APT::Install-Recommends=true install x", True),
    ],
)
def test_apt_recommends(text, recommends):
    assert apt_call(command(text)).installs_recommends is recommends


def test_apt_names_accepts_versions_and_architectures():
    call = apt_call(command("apt-get install -y python3.8=3.8.12-1 python3-pip:amd64"))
    assert call.names("python3.8") and call.names("python3-pip") and not call.names("python3")


@pytest.mark.parametrize(
    "text",
    [
        "pip install fastapi==0.78.0",
        "pip3 install fastapi==0.78.0",
        "python3 -m pip install fastapi==0.78.0",
        "/usr/bin/python3.8 -m pip install fastapi==0.78.0",
        "pip3.8 --disable-pip-version-check install -i https://mirror fastapi==0.78.0",
    ],
)
def test_pip_spellings(text):
    call = pip_call(command(text))
    assert (call.action, call.requirements) == ("install", ("fastapi==0.78.0",))


def test_pip_requirement_files_and_cache():
    call = pip_call(command("pip install --no-cache-dir -r requirements.txt --requirement=more.txt"))
    assert call.requirement_files == ["requirements.txt", "more.txt"]
    assert call.disables_cache({})
    plain = pip_call(command("pip install x"))
    assert not plain.disables_cache({})
    assert plain.disables_cache({"PIP_NO_CACHE_DIR": "1"})
    assert plain.disables_cache({"PIP_NO_CACHE_DIR": "false"})  # pip's own backward-compatible reading
    assert pip_call(command("PIP_NO_CACHE_DIR=off pip install x")).disables_cache({})


def test_not_pip():
    assert pip_call(command("python3 -m venv /venv")) is None
    assert pip_call(command("pipx install poetry")) is None


@pytest.mark.parametrize(
    ("text", "skips_dev"),
    [
        ("poetry install --no-dev", True),
        ("poetry install --only main", True),
        ("poetry install --only=main --no-root", True),
        ("poetry install --without dev,test", True),
        ("poetry install", False),
        ("poetry install --with dev", False),
    ],
)
def test_poetry_dev_dependencies(text, skips_dev):
    call = poetry_call(command(text))
    assert call.action == "install" and call.skips_dev_dependencies is skips_dev


@pytest.mark.parametrize(
    ("text", "forced_recursive"),
    [("rm -rf /x", True), ("rm -fr /x", True), ("rm -r -f /x", True), ("rm -Rf /x", True),
     ("rm --recursive --force /x", True), ("rm -r /x", False), ("rm /x", False)],
)
def test_rm_flags(text, forced_recursive):
    call = remove_call(command(text))
    assert call.recursive_and_forced is forced_recursive and call.paths == ("/x",)


def test_add_apt_repository():
    call = add_repository_call(command("add-apt-repository -y ppa:deadsnakes/ppa"))
    assert call.repositories == ("ppa:deadsnakes/ppa",)
