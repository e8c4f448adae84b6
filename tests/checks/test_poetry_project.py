import pytest

from graders.checks.static.poetry_project import check
from tests.checks.helpers import assert_fails, assert_passes

PYPROJECT = """\
[tool.poetry]
name = "app"
version = "0.1.0"

[tool.poetry.dependencies]
python = "^3.8"
fastapi = "0.78.0"
sqlalchemy = "1.4.36"
alembic = "1.7.7"
uvicorn = {version = "0.17.6", extras = ["standard"]}
"""
PEP621 = """\
[project]
name = "app"
requires-python = ">=3.8,<3.9"
dependencies = [
    "fastapi (==0.78.0)",
    "sqlalchemy (==1.4.36)",
    "alembic (==1.7.7)",
    "uvicorn[standard] (==0.17.6)",
]
"""
DEPENDENCIES = {"dependencies": ("fastapi==0.78.0", "sqlalchemy==1.4.36", "alembic==1.7.7",
                                "uvicorn[standard]==0.17.6")}
LOCK = "".join(
    f'[[package]]\nname = "{name}"\nversion = "{version}"\noptional = false\n\n'
    for name, version in [("alembic", "1.7.7"), ("anyio", "4.5.2"), ("fastapi", "0.78.0"), ("SQLAlchemy", "1.4.36"),
                          ("uvicorn", "0.17.6")]
) + '[metadata]\nlock-version = "2.0"\n'


@pytest.mark.parametrize(
    "files",
    [
        {"pyproject.toml": PYPROJECT, "poetry.lock": LOCK},
        {"pyproject.toml": PYPROJECT.replace('"0.78.0"', '"==0.78.0"').replace("sqlalchemy =", "SQLAlchemy ="),
         "poetry.lock": LOCK},
        {"pyproject.toml": PEP621, "poetry.lock": LOCK},
        {"pyproject.toml": PEP621 + '\n[tool.poetry.dependencies]\nfastapi = {source = "pypi"}\n', "poetry.lock": LOCK},
        {"pyproject.toml": PYPROJECT.replace('"0.78.0"', '"0.78"'), "poetry.lock": LOCK.replace('"0.78.0"', '"0.78"')},
    ],
    ids=["poetry-style", "double-equals-and-case", "pep621-poetry-2", "pep621-with-poetry-source", "short-version"],
)
def test_passes(files, tmp_path):
    assert_passes(check, "FROM x\n", files=files, tmp_path=tmp_path, **DEPENDENCIES)


@pytest.mark.parametrize(
    ("files", "says"),
    [
        ({"poetry.lock": LOCK}, "no `pyproject.toml` in the submission; create it with `poetry init`, then run "
         '`poetry add "fastapi==0.78.0" "sqlalchemy==1.4.36" "alembic==1.7.7" "uvicorn[standard]==0.17.6"`'),
        ({"pyproject.toml": PYPROJECT}, "no `poetry.lock` in the submission; run `poetry lock` and commit it"),
        ({"pyproject.toml": PYPROJECT.replace('alembic = "1.7.7"', "alembic = 1.7.7"), "poetry.lock": LOCK},
         "`pyproject.toml` is not valid TOML (Expected newline or end of document after a statement (at line 9"),
        ({"pyproject.toml": PYPROJECT, "poetry.lock": LOCK.replace("[metadata]", "[metadata")},
         "`poetry.lock` is not valid TOML ("),
        ({"pyproject.toml": PYPROJECT.replace('"0.78.0"', '"^0.78.0"'), "poetry.lock": LOCK},
         '`pyproject.toml`: `fastapi = "^0.78.0"` is a version range, which admits other versions; '
         'run `poetry add "fastapi==0.78.0"`'),
        ({"pyproject.toml": PYPROJECT.replace('"1.7.7"', '"~1.7.7"').replace('"1.4.36"', '"1.4.37"'),
          "poetry.lock": LOCK},
         '`sqlalchemy = "1.4.37"` pins version 1.4.37, not 1.4.36; `alembic = "~1.7.7"` is a version range, which '
         'admits other versions; run `poetry add "sqlalchemy==1.4.36" "alembic==1.7.7"`'),
        ({"pyproject.toml": PYPROJECT.replace(', extras = ["standard"]', ""), "poetry.lock": LOCK},
         '`uvicorn = {version = "0.17.6"}` lacks the `[standard]` extra; run `poetry add "uvicorn[standard]==0.17.6"`'),
        ({"pyproject.toml": PYPROJECT.replace('fastapi = "0.78.0"\n', ""), "poetry.lock": LOCK},
         '`fastapi` is not declared; run `poetry add "fastapi==0.78.0"`'),
        ({"pyproject.toml": PEP621.replace("(==0.78.0)", "(>=0.78.0,<0.79.0)"), "poetry.lock": LOCK},
         '`"fastapi (>=0.78.0,<0.79.0)"` is a version range'),
        ({"pyproject.toml": PEP621.replace("uvicorn[standard]", "uvicorn"), "poetry.lock": LOCK},
         '`"uvicorn (==0.17.6)"` lacks the `[standard]` extra'),
        ({"pyproject.toml": PYPROJECT, "poetry.lock": LOCK.replace('"0.78.0"', '"0.79.0"')},
         "`poetry.lock` locks `fastapi` 0.79.0, not 0.78.0; run `poetry lock` and commit it"),
        ({"pyproject.toml": PYPROJECT, "poetry.lock": LOCK.replace('"alembic"', '"mako"')},
         "`poetry.lock` has no `alembic`; run `poetry lock`"),
        ({"pyproject.toml": "\0", "poetry.lock": LOCK}, "binary file"),
    ],
    ids=["no-pyproject", "no-lock", "invalid-pyproject", "invalid-lock", "caret", "tilde-and-other-version",
         "missing-extra", "missing-dependency", "pep621-range", "pep621-missing-extra", "lock-other-version",
         "lock-missing-package", "unreadable-pyproject"],
)
def test_fails(files, says, tmp_path):
    assert_fails(check, "FROM x\n", line=None, says=says, files=files, tmp_path=tmp_path, **DEPENDENCIES)


def test_reads_the_dependencies_from_its_parameter(tmp_path):
    files = {"pyproject.toml": PYPROJECT, "poetry.lock": LOCK}
    assert_passes(check, "FROM x\n", files=files, tmp_path=tmp_path, dependencies=("fastapi==0.78.0",))
    assert_fails(check, "FROM x\n", says='`fastapi = "0.78.0"` pins version 0.78.0, not 0.110.0; run '
                 '`poetry add "fastapi==0.110.0"`', files=files, tmp_path=tmp_path, dependencies=("fastapi==0.110.0",))
