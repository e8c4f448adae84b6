"""The dive adapter on a real engine: a tiny FROM-scratch image that wastes a known number of bytes."""

from __future__ import annotations

import io
import os
import sys
import tarfile
import uuid

import pytest

from graders.advisories import dive
from graders.core import HarnessError
from graders.engine import Engine

WASTEFUL = b"FROM scratch\nCOPY big /data\nCOPY small /other\nCOPY small /data\n"
BIG, SMALL = 20_000, 5_000


@pytest.fixture(scope="module")
def engine():
    try:
        dive.executable()
        found = Engine.connect()
    except HarnessError as problem:
        pytest.skip(f"dive tests skipped: {problem}")
    yield found
    found.close()


def _context(dockerfile: bytes, files: dict[str, bytes]) -> io.BytesIO:
    data = io.BytesIO()
    with tarfile.open(fileobj=data, mode="w") as archive:
        for name, content in {"Dockerfile": dockerfile, **files}.items():
            info = tarfile.TarInfo(name)
            info.size = len(content)
            archive.addfile(info, io.BytesIO(content))
    data.seek(0)
    return data


@pytest.fixture(scope="module")
def tiny_image(engine):
    """A 3-layer image: /data (20 kB), /other (5 kB), then /data again (5 kB): 25 kB wasted."""
    tag = f"graders-dive-test-{uuid.uuid4().hex[:12]}:tmp"
    files = {"big": os.urandom(BIG), "small": os.urandom(SMALL)}
    engine.client.images.build(fileobj=_context(WASTEFUL, files), custom_context=True, tag=tag, rm=True,
                               forcerm=True)
    yield tag
    engine.client.images.remove(tag, force=True)


@pytest.mark.docker
def test_figures_of_a_wasteful_image(engine, tiny_image):
    found = dive.image_efficiency(tiny_image, engine=engine)
    assert found["wasted_bytes"] == BIG + SMALL  # both versions of /data count as wasted, as dive counts them
    assert found["efficiency"] == pytest.approx(1 / 3)
    assert found["user_wasted_percent"] == pytest.approx(100 * (BIG + SMALL) / (SMALL + SMALL))
    assert (found["size_bytes"], found["user_size_bytes"], found["layers"]) == (BIG + 2 * SMALL, 2 * SMALL, 3)
    assert [advisory.code for advisory in dive.advisories(found)] == ["efficiency", "wasted-bytes",
                                                                      "user-wasted-percent"]
    assert dive.advisories(found)[0].message == "image efficiency 33.3 %"


@pytest.mark.docker
def test_an_image_id_works_like_its_tag(engine, tiny_image):
    image_id = engine.inspect_image(tiny_image)["Id"]
    assert dive.image_efficiency(image_id, engine=engine) == dive.image_efficiency(tiny_image, engine=engine)


@pytest.mark.docker
def test_a_missing_image_is_a_harness_error_not_a_pull(engine):
    with pytest.raises(HarnessError, match=r"the image graders-no-such-image:x is not in the Docker engine"):
        dive.image_efficiency("graders-no-such-image:x", engine=engine)


@pytest.mark.docker
def test_dive_failing_is_a_harness_error(engine, tiny_image, tmp_path, monkeypatch):
    fake = tmp_path / "dive"
    fake.write_text("#!/bin/sh\necho 'cannot fetch image' >&2\nexit 1\n")
    fake.chmod(0o755)
    monkeypatch.setattr(dive, "executable", lambda: str(fake))
    with pytest.raises(HarnessError, match=r"dive failed on .* \(exit status 1\): cannot fetch image"):
        dive.image_efficiency(tiny_image, engine=engine)


def test_absent_dive_is_a_harness_error(monkeypatch, tmp_path):
    monkeypatch.setattr(sys, "executable", str(tmp_path / "python"))
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(HarnessError, match=r"dive is not installed: run `make install`"):
        dive.image_efficiency("anything:x")


def test_figures_of_a_single_layer_report():
    report = {"layer": [{"sizeBytes": 10}], "image": {"sizeBytes": 10, "inefficientBytes": 0, "efficiencyScore": 1}}
    assert dive.figures(report)["user_wasted_percent"] is None
    assert [advisory.code for advisory in dive.advisories(dive.figures(report))] == ["efficiency", "wasted-bytes"]


def test_an_unexpected_report_is_a_harness_error():
    with pytest.raises(HarnessError, match="dive's JSON report lacks"):
        dive.figures({"image": {}})
