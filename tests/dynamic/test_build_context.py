"""The batch build context: canonical files overlaid with the submission's, never a link out of it."""

import os
from pathlib import Path

import pytest

from graders.build_context import ContextError, batch_context, student_context


@pytest.fixture
def canonical(tmp_path):
    root = tmp_path / "repo"
    (root / "app").mkdir(parents=True)
    (root / "app" / "__init__.py").write_text("")
    (root / "app" / "main.py").write_text("canonical main\n")
    (root / "pyproject.toml").write_text("canonical pyproject\n")
    (root / "poetry.lock").write_text("canonical lock\n")
    (root / "requirements.txt").write_text("harness requirements\n")
    (root / "secret.txt").write_text("not for images\n")
    return root


# The 2022 exercise's starter files and what a submission brings over them.
FILES = {"starter": ("app", "pyproject.toml", "poetry.lock"),
         "overlaid": ("app", "pyproject.toml", "poetry.lock", "requirements*.txt")}


@pytest.fixture
def submission(tmp_path):
    root = tmp_path / "alice"
    root.mkdir()
    (root / "dockerfile-task-1").write_text("FROM ubuntu:20.04\n")
    return root


def files_of(path: Path) -> dict[str, str]:
    return {
        p.relative_to(path).as_posix(): (p.read_text() if p.is_file() else "<dir>")
        for p in sorted(path.rglob("*"))
    }


def test_canonical_files_and_the_dockerfile(canonical, submission):
    with batch_context(submission, submission / "dockerfile-task-1", canonical, **FILES) as context:
        assert context.dockerfile == "dockerfile-task-1"
        assert files_of(context.path) == {
            "app": "<dir>", "app/__init__.py": "", "app/main.py": "canonical main\n",
            "dockerfile-task-1": "FROM ubuntu:20.04\n", "poetry.lock": "canonical lock\n",
            "pyproject.toml": "canonical pyproject\n",
        }
        path = context.path
    assert not path.exists(), "the temporary context is removed"


def test_the_submissions_files_win(canonical, submission):
    (submission / "app").mkdir()
    (submission / "app" / "main.py").write_text("alice main\n")
    (submission / "app" / "extra.py").write_text("alice extra\n")
    (submission / "pyproject.toml").write_text("alice pyproject\n")
    (submission / "requirements.txt").write_text("fastapi==0.78.0\n")
    (submission / "requirements-dev.txt").write_text("pytest\n")
    (submission / "notes.md").write_text("not copied\n")
    with batch_context(submission, submission / "dockerfile-task-1", canonical, **FILES) as context:
        files = files_of(context.path)
    assert files["app/main.py"] == "alice main\n"
    assert files["app/extra.py"] == "alice extra\n"
    assert files["app/__init__.py"] == ""
    assert files["pyproject.toml"] == "alice pyproject\n"
    assert files["poetry.lock"] == "canonical lock\n"
    assert files["requirements.txt"] == "fastapi==0.78.0\n"
    assert files["requirements-dev.txt"] == "pytest\n"
    assert "notes.md" not in files and "secret.txt" not in files


def test_never_follows_a_link_out_of_the_submission(canonical, submission, tmp_path):
    outside = tmp_path / "outside.txt"
    outside.write_text("host secret\n")
    (submission / "app").mkdir()
    (submission / "app" / "leak.py").symlink_to(outside)
    (submission / "app" / "etc").symlink_to("/etc")
    (submission / "pyproject.toml").symlink_to(outside)
    (submission / "app" / "inside.py").symlink_to(submission / "dockerfile-task-1")
    (submission / "app" / "loop").symlink_to(submission / "app")
    with batch_context(submission, submission / "dockerfile-task-1", canonical, **FILES) as context:
        files = files_of(context.path)
        notes = " ".join(context.notes)
    assert "app/leak.py" not in files and "app/etc" not in files
    assert files["pyproject.toml"] == "canonical pyproject\n", "the canonical file stays"
    assert files["app/inside.py"] == "FROM ubuntu:20.04\n", "a link inside the submission is copied as its target"
    assert "host secret" not in "".join(files.values())
    assert "app/leak.py" in notes and "out of the submission" in notes
    assert not any(name.count("loop") > 1 for name in files), "a link loop is cut"


def test_app_folder_linked_out_is_left_out(canonical, submission, tmp_path):
    elsewhere = tmp_path / "other-student" / "app"
    elsewhere.mkdir(parents=True)
    (elsewhere / "main.py").write_text("someone else's\n")
    (submission / "app").symlink_to(elsewhere)
    with batch_context(submission, submission / "dockerfile-task-1", canonical, **FILES) as context:
        assert (context.path / "app" / "main.py").read_text() == "canonical main\n"


def test_fifo_is_left_out(canonical, submission):
    (submission / "app").mkdir()
    os.mkfifo(submission / "app" / "pipe")
    with batch_context(submission, submission / "dockerfile-task-1", canonical, **FILES) as context:
        assert not (context.path / "app" / "pipe").exists()
        assert any("not a regular file" in note for note in context.notes)


def test_too_large(canonical, submission, monkeypatch):
    import graders.build_context as module

    monkeypatch.setattr(module, "MAX_CONTEXT_BYTES", 1000)
    (submission / "app").mkdir()
    (submission / "app" / "big.bin").write_bytes(b"0" * 2000)
    with pytest.raises(ContextError, match="would exceed"):
        batch_context(submission, submission / "dockerfile-task-1", canonical, **FILES)


def test_folders_nested_without_end(canonical, submission):
    """The copy recurses: past MAX_DEPTH it refuses (1,000 levels would overflow Python's stack)."""
    (submission / "app" / Path(*["d"] * 100)).mkdir(parents=True)
    with pytest.raises(ContextError, match=r"nests folders more than 64 deep \(`app/d/d/\.\.\.`\)"):
        batch_context(submission, submission / "dockerfile-task-1", canonical, **FILES)


def test_modes_are_kept(canonical, submission):
    (submission / "app").mkdir()
    (submission / "app" / "run.sh").write_text("#!/bin/sh\n")
    (submission / "app" / "run.sh").chmod(0o755)
    with batch_context(submission, submission / "dockerfile-task-1", canonical, **FILES) as context:
        assert os.access(context.path / "app" / "run.sh", os.X_OK)


def test_student_mode_is_the_repo_root(canonical):
    (canonical / "dockerfile-task-1").write_text("FROM ubuntu:20.04\n")
    context = student_context(canonical, canonical / "dockerfile-task-1")
    assert context.path == canonical.resolve() and context.dockerfile == "dockerfile-task-1"
    context.close()
    assert canonical.exists(), "closing a student context removes nothing"


def test_student_mode_rejects_a_dockerfile_outside(canonical, submission):
    with pytest.raises(ContextError):
        student_context(canonical, submission / "dockerfile-task-1")


def test_repo_dockerignore_keeps_the_harness_out():
    root = Path(__file__).resolve().parents[2]
    patterns = {line.strip() for line in (root / ".dockerignore").read_text().splitlines()
                if line.strip() and not line.startswith("#")}
    for name in ("graders", "submissions", "tests", "reports", ".git", ".venv"):
        assert name in patterns, f".dockerignore must exclude {name}"
    for kept in ("app", "pyproject.toml", "poetry.lock"):
        assert kept not in patterns


def test_the_overlaid_patterns_choose_what_the_submission_brings(canonical, submission):
    (submission / ".dockerignore").write_text(".venv\n")
    (submission / "requirements-dev.txt").write_text("pytest\n")
    (submission / "notes.txt").write_text("not for the image\n")
    with batch_context(submission, submission / "dockerfile-task-1", canonical, starter=("app",),
                       overlaid=(".dockerignore", "REQUIREMENTS*.txt")) as context:
        names = set(files_of(context.path))
    assert {".dockerignore", "requirements-dev.txt", "app/main.py"} <= names
    assert not {"notes.txt", "pyproject.toml"} & names
