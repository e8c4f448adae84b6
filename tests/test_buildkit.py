"""What only BuildKit builds, found in the model: each feature once, at its first line."""

import pytest

from graders.buildkit import buildkit_features, classic_builder_message
from graders.dockerfile import parse


@pytest.mark.parametrize(
    ("dockerfile", "found"),
    [
        ("FROM x\nRUN <<EOF\necho hi\nEOF\n", [("heredocs", 2)]),
        ("FROM x\nCOPY <<EOF /a\nhi\nEOF\n", [("heredocs", 2)]),
        ("FROM x\nRUN --mount=type=cache,target=/root/.cache pip install x\n", [("RUN --mount", 2)]),
        ("FROM x\nRUN --network=none true\nRUN --security=sandbox true\n",
         [("RUN --network", 2), ("RUN --security", 3)]),
        ("FROM x\nCOPY --chmod=755 a /a\nCOPY --link b /b\nADD --checksum=sha256:00 http://e/x /x\n",
         [("COPY --chmod", 2), ("COPY --link", 3), ("ADD --checksum", 4)]),
        ("FROM x\nRUN <<A\nA\nRUN <<B\nB\n", [("heredocs", 2)]),
        ("FROM x AS a\nCOPY --from=a --chown=1:1 /a /b\nRUN echo '<<EOF'\n", []),
        ("FROM x\nRUN <<EOF\nEOF\nRUNN x\n", [("heredocs", 2)]),
    ],
)
def test_features(dockerfile, found):
    assert [(f.name, f.line) for f in buildkit_features(parse(dockerfile))] == found


def test_the_message_names_each_feature_and_its_line():
    message = classic_builder_message(buildkit_features(parse("FROM x\nRUN <<EOF\nEOF\nCOPY --link a /a\n")))
    assert "classic builder, which has no heredocs (line 2), COPY --link (line 4): the file needs BuildKit" in message
