import pytest

from graders.checks.static.expose import check
from tests.checks.helpers import assert_fails, assert_passes


@pytest.mark.parametrize(
    ("dockerfile", "port"),
    [
        ("FROM x\nEXPOSE 8000\n", 8000),
        ("FROM x\nexpose 8000/tcp\n", 8000),
        ("FROM x\nEXPOSE 80 8000/TCP\n", 8000),
        ("FROM x\nEXPOSE 9000\nEXPOSE 8000\n", 8000),
        ("FROM x\nEXPOSE 5000\n", 5000),
    ],
    ids=["plain", "lowercase-tcp", "several-ports", "second-expose", "other-port-parameter"],
)
def test_passes(dockerfile, port):
    assert_passes(check, dockerfile, port=port)


@pytest.mark.parametrize(
    ("dockerfile", "port", "line", "says"),
    [
        ("FROM x\nRUN true\n", 8000, None, "no EXPOSE instruction; add `EXPOSE 8000`"),
        ("FROM x\nEXPOSE 80\n", 8000, 2, "port 8000/tcp is not exposed (line 2: `EXPOSE 80`); write `EXPOSE 8000`"),
        ("FROM x\nEXPOSE 8000/udp\n", 8000, 2, "not exposed"),
        ("FROM x\nEXPOSE 8000\nFROM y\n", 8000, None, "no EXPOSE"),
        ("FROM x\nEXPOSE 8000\n", 5000, 2, "port 5000/tcp is not exposed"),
    ],
    ids=["none", "other-port", "udp", "earlier-stage-only", "other-port-parameter"],
)
def test_fails(dockerfile, port, line, says):
    assert_fails(check, dockerfile, line=line, says=says, port=port)
