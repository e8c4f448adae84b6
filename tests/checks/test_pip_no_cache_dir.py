import pytest

from graders.checks.static.pip_no_cache_dir import check
from tests.checks.helpers import assert_fails, assert_passes


@pytest.mark.parametrize(
    "dockerfile",
    [
        "FROM x\nRUN pip install --no-cache-dir fastapi==0.78.0\n",
        "FROM x\nrun pip3 --no-cache-dir install fastapi && python3.8 -m pip install --no-cache-dir alembic\n",
        "FROM x\nRUN pip install \\\n  # no cache\n  --no-cache-dir \\\n"
        "  poetry==1.8.3 && poetry install --only main\n",
        "FROM x\nENV PIP_NO_CACHE_DIR=1\nRUN pip install fastapi\n",
        "FROM x\nARG PIP_NO_CACHE_DIR=off\nRUN pip install fastapi\n",
        "FROM x\nRUN PIP_NO_CACHE_DIR=true pip install fastapi\n",
        "FROM x\r\nRUN sh -c 'pip install --no-cache-dir fastapi'\r\n",
        "FROM x\nRUN <<EOF\npip install --no-cache-dir poetry\nEOF\n",
        'FROM x\nRUN ["python3", "-m", "pip", "install", "--no-cache-dir", "poetry"]\n',
        "FROM x AS build\nRUN pip install fastapi\nFROM x\nRUN apt-get update\n",
    ],
    ids=["flag", "pip3-and-python-m-pip", "continuation-comment", "env", "arg-any-boolean", "assignment", "crlf-sh-c",
         "heredoc", "exec-form", "no-pip-in-final-stage"],
)
def test_passes(dockerfile):
    assert_passes(check, dockerfile)


@pytest.mark.parametrize(
    ("dockerfile", "line", "says"),
    [
        ("FROM x\nRUN pip install poetry\n", 2, "line 2: `pip install poetry`"),
        ("FROM x\nRUN pip install --no-cache-dir poetry \\\n && pip3 install --upgrade pip\n", 3,
         "line 3: `pip3 install --upgrade pip`: pip keeps its download cache in the image; add `--no-cache-dir`"),
        ("FROM x\nRUN pip install --no-cache-dir a\nRUN python3 -m pip install b\n", 3, "`python3 -m pip install b`"),
        ("FROM x\nENV PIP_NO_CACHE_DIR=\nRUN pip install fastapi\n", 3, "pip keeps its download cache"),
        ("FROM x\nRUN PIP_NO_CACHE_DIR=1 pip download a && pip install b\n", 2, "`pip install b`"),
        ("FROM x\nENV PIP_NO_CACHE_DIR=1\nFROM y\nRUN pip install fastapi\n", 4, "`pip install fastapi`"),
        ('FROM x\nRUN ["pip", "install", "poetry"]\n', 2, "`pip install poetry`"),
        ("FROM x AS base\nRUN pip install poetry\nFROM base\nCMD [\"uvicorn\"]\n", 2, "`pip install poetry`"),
    ],
    ids=["no-flag", "second-command", "second-run", "empty-env", "assignment-on-other-command", "env-of-other-stage",
         "exec-form", "in-the-stage-the-image-is-built-on"],
)
def test_fails(dockerfile, line, says):
    assert_fails(check, dockerfile, line=line, says=says)
