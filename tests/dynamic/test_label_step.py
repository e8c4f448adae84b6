"""The harness's LABEL step, written through the Dockerfile model: where the file's end would swallow it (a line
continuation in the file's own escape character), the build API labels the image instead."""


import pytest

from graders.build_context import batch_context
from graders.label_step import image_under_labels, labelled_dockerfile

LABELS = {"graders.run": "20261128-101500-ab12cd", "graders.pid": "4242", "graders.image": "graders/a-task1:run"}


@pytest.fixture
def context_of(tmp_path):
    made = []

    def make(text: str):
        folder = tmp_path / f"submission-{len(made)}"
        folder.mkdir()
        (folder / "Dockerfile").write_bytes(text.encode())
        made.append(batch_context(folder, folder / "Dockerfile", tmp_path, starter=(), overlaid=()))
        return made[-1]

    yield make
    for context in made:
        context.close()


@pytest.mark.parametrize("text", [
    "FROM x\nRUN a\n",
    "FROM x\r\nRUN a\r\n",  # CRLF
    "FROM x\nRUN a\n\n\n# the end\n",
    "# escape=`\nFROM x\nRUN a \\\n",  # a backslash is no continuation under another escape character
])
def test_one_label_step_after_the_file(context_of, text):
    context = context_of(text)
    written = labelled_dockerfile(context, LABELS)
    assert written is not None and not written.is_relative_to(context.path), "beside the context, never copied in"
    labelled = written.read_bytes().decode()
    assert labelled.startswith(text.rstrip("\n")) and labelled.endswith(
        '\n\nLABEL graders.image="graders/a-task1:run" graders.pid="4242" graders.run="20261128-101500-ab12cd"\n')


@pytest.mark.parametrize("text", [
    "FROM x\nRUN a \\\n",
    "FROM x\nRUN a \\\n# a comment line inside the continuation\n\n",
    "# escape=`\nFROM x\nRUN a `\n",
])
def test_a_continuation_at_the_end_leaves_the_labels_to_the_api(context_of, text):
    assert labelled_dockerfile(context_of(text), LABELS) is None


class Images:
    def __init__(self, images):
        self.images = images

    def inspect_image(self, reference):
        return self.images.get(reference)


def test_the_image_under_the_label_steps():
    own = {"Id": "sha256:own", "Config": {"Labels": None}}
    step = {"Id": "sha256:step", "Parent": "sha256:own", "Config": {"Labels": {"graders.run": "r"}}}
    final = {"Id": "sha256:final", "Parent": "sha256:step", "Config": {"Labels": {"graders.run": "r"}}}
    engine = Images({"sha256:own": own, "sha256:step": step})
    assert image_under_labels(engine, final, 2) == ("sha256:own", ["sha256:step"]), "API labels: a step per label"
    assert image_under_labels(engine, step, 1) == ("sha256:own", [])
    assert image_under_labels(engine, own, 0) == (None, []), "no label step: a plain `docker build`'s image"
    assert image_under_labels(Images({}), final, 2) == (None, []), "a parent gone"
