"""The harness against hadolint on the rules both grade: DL3015 ~ no-install-recommends, DL3042 ~ pip-no-cache-dir,
DL3009 ~ apt-lists-removed. One hadolint run over every case; where the two disagree the case is named here
and in the README ("Where the harness and hadolint disagree, and why")."""

import pytest

from graders.advisories import hadolint
from graders.checks.static import apt_lists_removed, no_install_recommends, pip_no_cache_dir
from graders.core import HarnessError, Status
from tests.checks.helpers import verdict

try:
    hadolint.executable()
    _missing = ""
except HarnessError as problem:
    _missing = str(problem)
pytestmark = pytest.mark.skipif(bool(_missing), reason=f"hadolint agreement skipped: {_missing}")

RULES = {"DL3015": no_install_recommends.check, "DL3042": pip_no_cache_dir.check, "DL3009": apt_lists_removed.check}
HEAD = "FROM ubuntu:20.04\n"

# (name, rule, RUN body, harness passes, hadolint passes)
CASES = [
    ("recommends-flag", "DL3015", "apt-get install -y --no-install-recommends curl", True, True),
    ("recommends-missing", "DL3015", "apt-get install -y curl", False, False),
    ("recommends-in-sh-c", "DL3015", "sh -c 'apt-get install -y curl'", False, True),
    ("recommends-apt-conf-option", "DL3015", "apt-get install -y -o APT::Install-Recommends=false curl", True, True),
    ("cache-flag", "DL3042", "pip install --no-cache-dir fastapi==0.78.0", True, True),
    ("cache-missing", "DL3042", "pip install fastapi==0.78.0", False, False),
    ("cache-env-assignment", "DL3042", "PIP_NO_CACHE_DIR=1 pip install fastapi==0.78.0", True, True),
    ("cache-python-m-pip", "DL3042", "python3.8 -m pip install fastapi==0.78.0", False, False),
    ("lists-rm-rf", "DL3009", "apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*", True, True),
    ("lists-rm-fr", "DL3009", "apt-get update && apt-get install -y curl && rm -fr /var/lib/apt/lists/*", True, True),
    ("lists-rm-r-f", "DL3009", "apt-get update && apt-get install -y curl && rm -r -f /var/lib/apt/lists/*", True,
     True),
    ("lists-no-glob", "DL3009", "apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists", True, True),
    ("lists-apt-update", "DL3009", "apt update && apt install -y --no-install-recommends curl", False, False),
    ("recommends-heredoc", "DL3015", "<<EOF\napt-get install -y curl\nEOF", False, False),
    ("lists-removed-between-update-and-install", "DL3009",
     "apt-get update && rm -rf /var/lib/apt/lists/* && apt-get install -y curl", False, True),
    ("lists-removed-before-update", "DL3009",
     "rm -rf /var/lib/apt/lists/* && apt-get update && apt-get install -y curl", False, True),
    ("lists-never-removed", "DL3009", "apt-get update && apt-get install -y curl", False, False),
    ("lists-quoted-glob", "DL3009", 'apt-get update && apt-get install -y curl && rm -rf "/var/lib/apt/lists/*"', False,
     True),
]
DISAGREEMENTS = {"recommends-in-sh-c", "lists-removed-before-update", "lists-removed-between-update-and-install",
                 "lists-quoted-glob"}


@pytest.fixture(scope="module")
def hadolint_codes(tmp_path_factory):
    folder = tmp_path_factory.mktemp("agreement")
    paths = {}
    for name, _rule, body, _harness, _hadolint in CASES:
        paths[name] = folder / name
        paths[name].write_text(f"{HEAD}RUN {body}\n")
    found = hadolint.lint(list(paths.values()))
    return {name: {advisory.code for advisory in found[path]} for name, path in paths.items()}


@pytest.mark.parametrize(("name", "rule", "body", "harness_passes", "hadolint_passes"), CASES,
                         ids=[case[0] for case in CASES])
def test_case(hadolint_codes, name, rule, body, harness_passes, hadolint_passes):
    harness = verdict(RULES[rule], f"{HEAD}RUN {body}\n").status is Status.PASSED
    assert harness is harness_passes, "the harness's verdict"
    assert (rule not in hadolint_codes[name]) is hadolint_passes, "hadolint's verdict"
    assert (harness != hadolint_passes) is (name in DISAGREEMENTS)
