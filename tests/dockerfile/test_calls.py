"""What commands mean: apt, pip, poetry, rm, add-apt-repository and useradd calls, with their options and operands
read as each command's own parser reads them."""

import pytest

from graders.dockerfile import apt_call, parse, pip_call, poetry_call, remove_call
from graders.dockerfile.calls import add_repository_call, split_arguments, useradd_call


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
        ("apt-get -qy install x", "install", ("x",)),
        ("apt-get install x -y --no-install-recommends y", "install", ("x", "y")),  # options after operands
        ("apt-get -o=Dpkg::Use-Pty=0 -oAcquire::Retries=3 install x", "install", ("x",)),
        ("apt-get install -- -x", "install", ("-x",)),
        ("apt-get install -y yes x", "install", ("x",)),  # apt reads a boolean word after a flag as its value
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
        ("apt-get install -yq --no-install-recommends x", False),
        ("apt-get install x --no-install-recommends", False),
        ("apt-get install --No-Install-Recommends x", False),  # apt matches long names in any case
        ("apt-get install --no-install-rec x", True),  # but never a prefix: apt rejects the option
        ("apt-get -o=APT::Install-Recommends=false install x", False),
        ("apt-get -oAPT::Install-Recommends=no install x", False),
        ("apt-get install --install-recommends=no x", False),
        ("apt-get install --no-install-recommends yes x", True),  # the value wins over the name, as in apt
        ("apt-get install --no-install-recommends -o APT::Install-Recommends=true x", True),  # the last one wins
        ("aptitude install -R x", False),
        ("aptitude install --without-recommends x", False),
        ("aptitude install x", True),
    ],
)
def test_apt_recommends(text, recommends):
    assert apt_call(command(text)).installs_recommends is recommends


def test_apt_clusters():
    options = apt_call(command("apt-get -qqy install x")).options
    assert options.has("-q") and options.has("-y") and options.short_flags() == {"q", "y"}
    # aptitude's -q takes an attached value (getopt `q::`): in `-qy` the y is -q's, and -y is not given
    aptitude = apt_call(command("aptitude -qy install x"))
    assert aptitude.options.values("-q") == ["y"] and not aptitude.options.has("-y") and aptitude.packages == ("x",)


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


@pytest.mark.parametrize(
    ("text", "files"),
    [
        ("pip install -r req.txt", ["req.txt"]),
        ("pip install -rreq.txt", ["req.txt"]),
        ("pip install -qr req.txt", ["req.txt"]),
        ("pip install -Uqrreq.txt", ["req.txt"]),
        ("pip install --requirement req.txt", ["req.txt"]),
        ("pip install -r=req.txt", ["=req.txt"]),  # optparse keeps the `=` of a short option
        ("pip install x -r req.txt", ["req.txt"]),
        ("pip install -- -r req.txt", []),
    ],
)
def test_pip_requirement_file_spellings(text, files):
    assert pip_call(command(text)).requirement_files == files


def test_pip_options_after_operands_and_double_dash():
    after = pip_call(command("pip install fastapi==0.78.0 --no-cache-dir"))
    assert after.requirements == ("fastapi==0.78.0",) and after.disables_cache({})
    ended = pip_call(command("pip install x -- --no-cache-dir"))
    assert ended.requirements == ("x", "--no-cache-dir") and not ended.disables_cache({})
    assert pip_call(command("pip --timeout 60 install x")).requirements == ("x",)


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
        ("poetry install --without=dev", True),
        ("poetry install --no-root --only=main,docs", True),
        ("poetry -C /app install --without dev", True),
        ("poetry install --with=dev --sync", False),
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


def test_poetry_reads_options_anywhere_but_in_the_program_it_runs():
    after = poetry_call(command("poetry install --no-interaction --without dev"))
    assert after.action == "install" and after.operands == () and after.skips_dev_dependencies
    run = poetry_call(command("poetry run uvicorn app:app --without dev"))
    assert run.action == "run" and run.operands == ("uvicorn", "app:app", "--without", "dev")
    assert not run.options.has("--without")
    # cleo takes no value that starts with `-`
    assert poetry_call(command("poetry install --only --no-root")).options.values("--only") == [""]


@pytest.mark.parametrize(
    ("text", "forced_recursive"),
    [("rm /x -rf", True), ("rm --rec --fo /x", True), ("rm -rfv --preserve-root=all /x", True),
     ("rm --interactive=never -R /x", False), ("rm -v -- /x", False)],
)
def test_rm_options(text, forced_recursive):
    call = remove_call(command(text))
    assert call.recursive_and_forced is forced_recursive and call.paths == ("/x",)


def test_rm_clusters_expand_and_double_dash_ends_options():
    options = remove_call(command("rm -rf /x")).options
    assert options.has("-r") and options.has("-f") and options.items == (("-r", None), ("-f", None))
    assert remove_call(command("rm -r -- -f")).paths == ("-f",)
    assert remove_call(command("rm --r /x")).options.has("--recursive")  # getopt_long: --r names only --recursive


def test_add_apt_repository():
    call = add_repository_call(command("add-apt-repository -y ppa:deadsnakes/ppa"))
    assert call.repositories == ("ppa:deadsnakes/ppa",)


def test_add_apt_repository_options_anywhere():
    assert add_repository_call(command("add-apt-repository ppa:deadsnakes/ppa -y")).repositories == (
        "ppa:deadsnakes/ppa",)
    call = add_repository_call(command("add-apt-repository -yk keyserver.ubuntu.com ppa:deadsnakes/ppa"))
    assert call.repositories == ("ppa:deadsnakes/ppa",) and call.options.values("-k") == ["keyserver.ubuntu.com"]


@pytest.mark.parametrize(
    ("text", "name", "uid"),
    [
        ("useradd --uid 10000 -ms /bin/bash runner", "runner", "10000"),
        ("useradd -mu 10000 runner", "runner", "10000"),
        ("useradd -u10000 runner", "runner", "10000"),
        ("useradd -mu10000 -s/bin/sh runner", "runner", "10000"),
        ("useradd --uid=10000 --no-log-init runner", "runner", "10000"),
        ("useradd runner --uid 10000 -m", "runner", "10000"),  # getopt permutes
        ("useradd --ui 10000 --create runner", "runner", "10000"),  # unambiguous prefixes
        ("useradd -u 1000 -u 10000 runner", "runner", "10000"),  # the last one counts
        ("useradd -u=10000 runner", "runner", "=10000"),  # getopt keeps the `=` of a short option
        ("useradd -m runner", "runner", None),
        ("useradd -m -- runner", "runner", None),
        ("adduser --uid 10000 --disabled-password runner", "runner", "10000"),
        ('adduser --disabled-password --gecos "" --uid=10000 runner', "runner", "10000"),
        ("adduser -D -u 10000 runner", "runner", "10000"),  # BusyBox
        ("adduser -SDH -h /app -s /sbin/nologin -u10000 runner", "runner", "10000"),
    ],
)
def test_useradd_calls(text, name, uid):
    call = useradd_call(command(text))
    assert (call.name, call.uid) == (name, uid)


def test_useradd_options():
    options = useradd_call(command("useradd --uid 10000 -ms /bin/bash runner")).options
    assert options.items == (("--uid", "10000"), ("-m", None), ("-s", "/bin/bash"))
    # `--u` is ambiguous (--uid, --user-group): useradd refuses it, and it sets no uid
    assert useradd_call(command("useradd --u 10000 runner")).uid is None
    assert useradd_call(command("useradd -D")).name is None
    assert useradd_call(command("groupadd runner")) is None


def test_split_arguments_reads_click_style_options():
    options, operands = split_arguments(("app.main:app", "--host=0.0.0.0", "--port", "8000"),
                                        frozenset({"--host", "--port"}))
    assert operands == ["app.main:app"]
    assert options.values("--host") == ["0.0.0.0"] and options.values("--port") == ["8000"]
