"""Times the engine sends, read on every supported Python (3.10's fromisoformat reads only 3 or 6 digits)."""

import pytest

from graders.engine_wire import engine_time


@pytest.mark.parametrize(("text", "seconds"), [
    ("2026-12-04T19:48:52.123456789Z", 1796413732.123456),
    ("2026-12-04T19:48:52.12345Z", 1796413732.12345),
    ("2026-12-04T19:48:52.1Z", 1796413732.1),
    ("2026-12-04T19:48:52Z", 1796413732.0),
    (1796413732, 1796413732.0),
])
def test_engine_times(text, seconds):
    assert engine_time(text) == pytest.approx(seconds)


@pytest.mark.parametrize("text", ["", "yesterday", None])
def test_what_is_not_a_time_is_none(text):
    assert engine_time(text) is None
