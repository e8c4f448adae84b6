"""Submission folder names become valid, distinct image tags, container names and result files, on a real engine:
spaces, case, unicode, dots, a leading dash, a 255-byte name. Nothing is written outside the run folder."""

from __future__ import annotations

import re
import shutil

import pytest

from graders.batch import RunFolder, run_batch
from graders.core import Status
from graders.grading import GradingOptions
from graders.submission import discover
from tests.adversarial.corpus import TEST_LIMITS
from tests.dynamic.conftest import FIXTURES, batch_sessions, fixture_dockerfile, task_spec

pytestmark = pytest.mark.docker
NAMES = ["Alice Smith", "alice smith", "ALICE-SMITH", "élodie ü 名前", "a..b", "dots.in.name.", "-rf", "x" * 200,
         "名" * 85]  # 85 x 3 bytes: a 255-byte file name
TAG = re.compile(r"^built (\S+) in")
REFERENCE = re.compile(r"^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*"
                       r":[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$")


def test_hard_names_grade_side_by_side(engine, tmp_path):
    classroom = tmp_path / "class"
    for name in NAMES:
        folder = classroom / name
        (folder / "app").mkdir(parents=True)
        shutil.copy2(FIXTURES / "fake_uvicorn.py", folder / "app" / "fake_uvicorn.py")
        (folder / "app" / "fake_uvicorn.py").chmod(0o755)
        (folder / "dockerfile-task-3-2").write_text(fixture_dockerfile())
    submissions = discover([classroom], {"dockerfile-task-3-2"})
    assert sorted(s.id for s in submissions) == sorted(NAMES)
    run = tmp_path / "run"
    outside_before = sorted(p.name for p in tmp_path.iterdir()) + ["run"]
    task = task_spec(checks=("builds", "serves-hello-world"))
    sessions = batch_sessions(engine, run_timeout=10.0, limits=TEST_LIMITS)
    containers = []
    original = engine.create_container

    def spy(image, **options):
        made = original(image, **options)
        containers.append(engine.inspect_container(made)["Name"])
        return made

    engine.create_container = spy
    try:
        results = run_batch(submissions, [task], RunFolder(run), [GradingOptions(session_factory=sessions)], jobs=2)
    finally:
        del engine.create_container
        sessions.close()
    tags = []
    for result in results:
        checks = {c.id: c for c in result.tasks[0].checks}
        assert checks["builds"].status is Status.PASSED, (result.id, checks["builds"].message)
        assert checks["serves-hello-world"].status is Status.PASSED, (result.id, checks["serves-hello-world"].message)
        tags.append(TAG.match(checks["builds"].message).group(1))
    assert len(set(tags)) == len(NAMES) and all(REFERENCE.match(tag) and len(tag) <= 255 for tag in tags), tags
    assert len(set(containers)) == len(containers) == len(NAMES), "one container each, names chosen by the engine"
    files = sorted(run.glob("results/*/task3-2.json"))
    assert len(files) == len(NAMES) and all(f.resolve().is_relative_to(run.resolve()) for f in files)
    assert sorted(p.name for p in tmp_path.iterdir()) == outside_before, "nothing written beside the run folder"
    assert sorted(r.id for r in results) == sorted(NAMES)
