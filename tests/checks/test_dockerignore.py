"""dockerignore reads `.dockerignore` as Docker does (moby's patternmatcher); the 2023 edition's entries.

Decision: a glob entry stands for the names it matches, tested with samples (each `*` as nothing and as `-task-1`):
`Dockerfile*` is excluded by `Dockerfile*`, `/Dockerfile*`, `./Dockerfile*`, `**/Dockerfile*`, `*` with the kept
files re-included, or `Dockerfile` with `Dockerfile-*`; not by `Dockerfile-*` alone, which keeps `Dockerfile`.
A folder entry (`.venv`) is excluded by `.venv/*` too: only the empty folder reaches the build context.
"""

import pytest

from graders.checks.static.dockerignore import check
from tests.checks.helpers import assert_fails, assert_passes

EDITION_2023 = {"excludes": ("Dockerfile*", "makefile", "Readme.md", ".pytest*", ".venv"),
                "keeps": ("app/main.py", "pyproject.toml", "poetry.lock")}
MODEL = "Dockerfile*\nmakefile\nReadme.md\n.pytest*\n.venv\n"
DOCKERFILE = "FROM python:3.8.12-slim\nCOPY . /server\n"


def ignore_file(text: str) -> dict[str, str]:
    return {".dockerignore": text, "app/main.py": "app = None\n"}


@pytest.mark.parametrize(
    "text",
    [
        MODEL,
        "/Dockerfile*\n./makefile\n/Readme.md\n.pytest*/\n.venv/\n",
        "# what the image does not need\n\nDockerfile\nDockerfile-*\nmakefile\nReadme.md\n.pytest*\n.venv\n",
        "  Dockerfile*  \r\nmakefile\r\nReadme.md\r\n.pytest*\r\n.venv\r\n",
        "\ufeffDockerfile*\nmakefile\nReadme.md\n.pytest*\n.venv\n",
        "**/Dockerfile*\n**/makefile\nReadme.md\n.pytest*\n**/.venv\n",
        "Docker*\nmake*\n*.md\n.py*\n.v*\n",
        "*\n!app\n!pyproject.toml\n!poetry.lock\n",
        MODEL + "app/__pycache__\n!app/main.py\n",
        "Dockerfile?*\nDockerfile\nmakefile\n[R]eadme.md\n.pytest*\n.venv\n",
        ".venv\n!.venv\n.venv\n" + MODEL,
        MODEL.replace(".venv", ".venv/*"),
        MODEL.replace(".venv", ".venv/**"),
        MODEL.replace("makefile", "[a-z]akefile"),
    ],
    ids=["model", "leading-slash-dot-slash-trailing-slash", "comments-blanks-and-split-glob", "spaces-crlf",
         "byte-order-mark", "double-star", "broader-globs", "everything-but-what-the-build-needs",
         "re-included-child", "question-mark-and-class", "last-line-wins", "folder-contents", "folder-contents-deep",
         "class-range"],
)
def test_passes(text, tmp_path):
    assert_passes(check, DOCKERFILE, files=ignore_file(text), tmp_path=tmp_path, **EDITION_2023)


@pytest.mark.parametrize(
    ("text", "says"),
    [
        (MODEL.replace("Dockerfile*\n", ""), "`Dockerfile*` is not excluded; add the line `Dockerfile*` to "
         "`.dockerignore`"),
        (MODEL.replace("Dockerfile*\n", "Dockerfile-*\n"),
         "`Dockerfile*` is not wholly excluded: `Dockerfile`, one of the names it stands for, is kept; add "
         "`Dockerfile*`"),
        (MODEL.replace("Dockerfile*\n", "Dockerfile\n"),
         "`Dockerfile-task-1`, one of the names it stands for, is kept"),
        (MODEL.replace("Readme.md", "readme.md"),
         "`Readme.md` is not excluded: line 3 (`readme.md`) differs from it only in case, and Docker compares names "
         "case-sensitively; write `Readme.md`"),
        (MODEL + "!.venv\n", "`.venv` is excluded by line 5 (`.venv`), but line 6 (`!.venv`) includes `.venv` again: "
         "the last matching line decides; remove that line"),
        (MODEL + "!Dockerfile-*\n", "line 6 (`!Dockerfile-*`) includes `Dockerfile-task-1` again"),
        (MODEL.replace(".pytest*", ".pytest_cache"), "`.pytest*` is not excluded; add the line `.pytest*`"),
        (MODEL.replace(".venv", ".venv/*.py"), "`.venv` is not excluded"),
        (MODEL + "app\n", "line 6 (`app`) of `.dockerignore` excludes `app/main.py`, which the build needs; narrow "
         "that pattern, or add `!app/main.py` after it"),
        (MODEL + "*.lock\n*.toml\n", "line 6 (`*.lock`) of `.dockerignore` excludes `poetry.lock`"),
        ("*\n", "excludes `app/main.py`, which the build needs"),
        (MODEL + "!\n", "`.dockerignore` line 6: `!` is an illegal exclusion pattern, and `docker build` stops on it"),
        (MODEL + "[a-\n", "`.dockerignore` line 6: `[a-` is not a valid pattern"),
        ("  # not a comment: it does not start the line\n" + MODEL.replace("makefile\n", ""),
         "`makefile` is not excluded"),
    ],
    ids=["entry-missing", "glob-only-partly", "plain-for-glob", "case-differs", "re-included", "glob-re-included",
         "narrower-name", "part-of-a-folder", "excludes-the-app", "excludes-project-files", "excludes-everything",
         "illegal-exclusion",
         "invalid-pattern", "indented-hash-is-a-pattern"],
)
def test_fails(text, says, tmp_path):
    assert_fails(check, DOCKERFILE, line=None, says=says, files=ignore_file(text), tmp_path=tmp_path, **EDITION_2023)


def test_absent_file(tmp_path):
    assert_fails(check, DOCKERFILE, line=None, says="no `.dockerignore` in the submission: add one listing "
                 "`Dockerfile*`, `makefile`, `Readme.md`, `.pytest*`, `.venv`, one per line, beside the Dockerfiles",
                 files={"app/main.py": ""}, tmp_path=tmp_path, **EDITION_2023)


def test_unreadable_file(tmp_path):
    assert_fails(check, DOCKERFILE, line=None, says="`.dockerignore` is a binary file, not a text project file; "
                 "Docker reads `.dockerignore` as text", files=ignore_file("Dockerfile*\0"), tmp_path=tmp_path,
                 **EDITION_2023)


def test_lists_every_problem(tmp_path):
    result = assert_fails(check, DOCKERFILE, files=ignore_file(".venv\napp\n"), tmp_path=tmp_path, **EDITION_2023)
    for name in ("`Dockerfile*`", "`makefile`", "`Readme.md`", "`.pytest*`", "excludes `app/main.py`"):
        assert name in result.message


def test_passes_with_what_it_checked(tmp_path):
    result = assert_passes(check, DOCKERFILE, files=ignore_file(MODEL), tmp_path=tmp_path, **EDITION_2023)
    assert result.message == ("`.dockerignore` excludes `Dockerfile*`, `makefile`, `Readme.md`, `.pytest*`, `.venv` "
                              "and keeps app/main.py, pyproject.toml, poetry.lock")
    assert result.line is None, "a line of .dockerignore is not a line of the Dockerfile"
