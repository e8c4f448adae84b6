import pytest

from graders.checks.static.pinned_python_packages import check
from tests.checks.helpers import assert_fails, assert_passes

ALL = 'fastapi==0.78.0 SQLAlchemy==1.4.36 alembic==1.7.7 "uvicorn[standard]==0.17.6"'
REQUIREMENTS = "fastapi==0.78.0\nSQLAlchemy==1.4.36\nalembic==1.7.7\nuvicorn[standard]==0.17.6\n"
PINS = {"requirements": ("fastapi==0.78.0", "SQLAlchemy==1.4.36", "alembic==1.7.7", "uvicorn[standard]==0.17.6")}


@pytest.mark.parametrize(
    "dockerfile",
    [
        f"FROM ubuntu:20.04\nRUN pip install --no-cache-dir {ALL}\n",
        "FROM ubuntu:20.04\nRUN pip3 install fastapi==0.78.0\nrun python3 -m pip install sqlalchemy==1.4.36\n"
        "RUN python3.8 -m pip install 'alembic==1.7.7' uvicorn[standard]==0.17.6 requests\n",
        "FROM ubuntu:20.04\nRUN pip install \\\n  # the app\n  Uvicorn[Standard]==0.17.6 \\\n  alembic==1.7.7 \\\n"
        "  fastapi==0.78 sqlalchemy==1.4.36\n",
        f"FROM ubuntu:20.04\r\nRUN apt-get update && pip install {ALL}\r\n",
        f"FROM ubuntu:20.04\nRUN sh -c 'pip install {ALL.replace(chr(34), '')}'\n",
        f"FROM ubuntu:20.04\nRUN <<EOF\nset -e\npip install {ALL}\nEOF\n",
        'FROM ubuntu:20.04\nRUN ["pip", "install", "fastapi==0.78.0", "SQLAlchemy==1.4.36", "alembic==1.7.7",'
        ' "uvicorn[standard]==0.17.6"]\n',
        f"FROM ubuntu:20.04 AS build\nRUN pip install fastapi\nFROM ubuntu:20.04\nRUN pip install {ALL}\n",
    ],
    ids=["one-command", "several-commands-and-spellings", "continuation-comment-normalised", "crlf", "sh-c",
         "heredoc", "exec-form", "final-stage-counts"],
)
def test_passes(dockerfile):
    assert_passes(check, dockerfile, **PINS)


@pytest.mark.parametrize(
    ("dockerfile", "files"),
    [
        ("FROM x\nCOPY . .\nRUN pip install -r requirements.txt\n", {"requirements.txt": REQUIREMENTS}),
        ("FROM x\nWORKDIR /server\nCOPY . /server\nRUN pip install --requirement=/server/requirements.txt\n",
         {"requirements.txt": "# pinned\n" + REQUIREMENTS.replace("\n", "  # why\n")}),
        ("FROM x\nCOPY . .\nRUN pip install -r requirements/prod.txt fastapi==0.78.0\n",
         {"requirements/prod.txt": "-r base.txt\nalembic==1.7.7 \\\n  --hash=sha256:00\n",
          "requirements/base.txt": "sqlalchemy==1.4.36\nuvicorn[standard] == 0.17.6\n"}),
    ],
    ids=["requirements-file", "absolute-path-under-workdir", "nested-file-and-hash"],
)
def test_passes_with_requirements_files(dockerfile, files, tmp_path):
    assert_passes(check, dockerfile, files=files, tmp_path=tmp_path, **PINS)


@pytest.mark.parametrize(
    ("dockerfile", "line", "says"),
    [
        ("FROM x\nRUN pip install SQLAlchemy==1.4.36 alembic==1.7.7 uvicorn[standard]==0.17.6\n", 2,
         "no pip install names fastapi; add `fastapi==0.78.0` to the one on line 2"),
        (f"FROM x\nRUN pip install {ALL.replace('0.78.0', '0.79.0')}\n", 2,
         "line 2: `fastapi==0.79.0` pins version 0.79.0, not 0.78.0; write `fastapi==0.78.0`"),
        ("FROM x\nRUN pip install " + ALL.replace("fastapi==0.78.0", '"fastapi>=0.78.0"') + "\n", 2,
         "`fastapi>=0.78.0` is a version range"),
        # unquoted, `>` is a shell redirection: pip installs the latest fastapi into a file named `=0.78.0`
        (f"FROM x\nRUN pip install {ALL.replace('==0.78.0', '>=0.78.0')}\n", 2, "`fastapi` is not pinned"),
        (f"FROM x\nRUN pip install {ALL.replace('==0.78.0', '')}\n", 2, "`fastapi` is not pinned to a version"),
        (f"FROM x\nRUN pip install {ALL.replace('[standard]', '')}\n", 2,
         "`uvicorn==0.17.6` lacks the `[standard]` extra; write `\"uvicorn[standard]==0.17.6\"`"),
        ("FROM x\nRUN pip install fastapi==0.78.0 \\\n  sqlalchemy==1.4 alembic==1.7.7 'uvicorn[standard]'\n", 2,
         "pins version 1.4, not 1.4.36; write `SQLAlchemy==1.4.36`; line 2: `uvicorn[standard]` is not pinned"),
        ("FROM x\nRUN apt-get install -y python3-pip\n", None, "no `pip install` in the final stage"),
        (f"FROM x AS build\nRUN pip install {ALL}\nFROM x\nRUN true\n", None, "no `pip install`"),
    ],
    ids=["missing", "other-version", "range", "unquoted-range-is-a-redirection", "unpinned", "missing-extra",
         "two-problems", "no-pip", "earlier-stage"],
)
def test_fails(dockerfile, line, says):
    assert_fails(check, dockerfile, line=line, says=says, **PINS)


def test_reads_the_pins_from_its_parameter():
    dockerfile = "FROM python:3.12-slim\nRUN pip install --no-cache-dir flask==3.0.3 gunicorn==22.0.0\n"
    assert_passes(check, dockerfile, requirements=("Flask==3.0.3", "gunicorn==22.0.0"))
    assert_fails(check, dockerfile, line=2, says="`flask==3.0.3` pins version 3.0.3, not 3.1.0; write `Flask==3.1.0`",
                 requirements=("Flask==3.1.0",))


@pytest.mark.parametrize(
    ("dockerfile", "files", "line", "says"),
    [
        ("FROM x\nRUN pip install -r requirements.txt\n", {"other.txt": ""}, 2,
         "`pip install -r requirements.txt` reads `requirements.txt`, but `requirements.txt` is not in the submission"),
        ("FROM x\nRUN pip install -r /server/requirements.txt\n",
         {"requirements.txt": REQUIREMENTS.replace("==0.78.0", ">=0.78.0")}, 2,
         "`requirements.txt` (read by `-r` on line 2): `fastapi>=0.78.0` is a version range, which admits other "
         "versions; write `fastapi==0.78.0`"),
        ("FROM x\nRUN pip install -r requirements.txt\n",
         {"requirements.txt": "-r dev/base.txt\n", "dev/base.txt": REQUIREMENTS.replace("[standard]", "")}, 2,
         "`dev/base.txt` (read by `-r` on line 2): `uvicorn==0.17.6` lacks the `[standard]` extra; "
         "write `uvicorn[standard]==0.17.6`"),
        ("FROM x\nRUN pip install -r requirements.txt\n", {"requirements.txt": "fastapi\0"}, 2, "is a binary file"),
    ],
    ids=["missing-file", "range-in-file", "nested-file-missing-extra", "binary-file"],
)
def test_fails_with_requirements_files(dockerfile, files, line, says, tmp_path):
    assert_fails(check, dockerfile, line=line, says=says, files=files, tmp_path=tmp_path, **PINS)
