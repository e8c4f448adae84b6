"""Student mode and batch mode, the session's two strategies: tags, labels, what is removed, earlier images."""

import re
from pathlib import Path

from graders.exercise import load_exercise
from graders.labels import IMAGE_LABEL, RUN_LABEL
from graders.session_modes import BatchMode, StudentMode
from graders.submission import Submission
from tests.dynamic.conftest import task_spec

REFERENCE = re.compile(r"^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*"
                       r":[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$")
RUN = "20261128-101500-ab12cd"


class InspectingEngine:
    """An engine that knows some images by reference, and says which it was asked about."""

    def __init__(self, images):
        self.images = images
        self.asked = []

    def inspect_image(self, reference):
        self.asked.append(reference)
        return self.images.get(reference)


def tags(ids, run_id=RUN):
    mode = BatchMode(load_exercise())
    task = task_spec("task3-1")
    return [mode.tag(Submission(i, Path(".")), task, run_id) for i in ids]


def test_batch_tags_are_valid_and_distinct():
    ids = ["alice", "Alice", "alice ", "ALICE!", "élodie", "..", "-x-", "a" * 300, "Bob Smith (2)", "bob-smith-2",
           "名前"]
    made = tags(ids)
    for tag in made:
        assert REFERENCE.match(tag), tag
        assert len(tag) < 200
    assert len(set(made)) == len(made)
    assert made[0] == f"graders/alice-task3-1:{RUN}", "plain ids stay readable"


def test_the_same_submission_twice_in_a_run_gets_two_tags():
    assert len(set(tags(["alice", "alice"]))) == 2


def test_a_batch_image_carries_the_run_and_its_tag_and_goes_with_its_session():
    mode = BatchMode(load_exercise())
    assert mode.image_labels({RUN_LABEL: RUN}, "graders/a-task1:r") == {RUN_LABEL: RUN, IMAGE_LABEL: "graders/a-task1:r"}
    assert mode.images_to_remove("graders/a-task1:r") == ["graders/a-task1:r"]
    engine = InspectingEngine({})
    assert mode.earlier_image(engine, "task1") is None and engine.asked == [], "a batch finds no image it did not build"


def test_student_mode_tags_as_make_build_does_and_leaves_the_image():
    mode = StudentMode.of(load_exercise(), Path("."))
    task = task_spec(tag="base-image-fastapi:dev")
    assert mode.tag(Submission("x", Path(".")), task, RUN) == "base-image-fastapi:dev"
    assert mode.image_labels({RUN_LABEL: RUN}, "base-image-fastapi:dev") is None, "a plain `docker build`'s image"
    assert mode.images_to_remove("base-image-fastapi:dev") == []


def test_student_mode_finds_the_image_an_earlier_make_build_tagged():
    mode = StudentMode(Path("."), {"task3-1": "base-image-fastapi-fat:test"})
    attrs = {"Id": "sha256:" + "b" * 64, "Size": 123, "RootFS": {"Layers": ["l1", "l2"]}, "Config": {"User": ""}}
    engine = InspectingEngine({"base-image-fastapi-fat:test": attrs})
    found = mode.earlier_image(engine, "task3-1")
    assert (found.tag, found.id, found.size, found.layers) == ("base-image-fastapi-fat:test", attrs["Id"], 123, 2)
    assert mode.earlier_image(engine, "task1") is None, "a task without a known tag"
    assert StudentMode(Path("."), {"task1": "never-built:x"}).earlier_image(engine, "task1") is None
