import pytest

from graders.checks.static.expose_8000 import check
from tests.checks.helpers import assert_fails, assert_passes


@pytest.mark.parametrize(
    "dockerfile",
    [
        "FROM x\nEXPOSE 8000\n",
        "FROM x\nexpose 8000/tcp\n",
        "FROM x\nEXPOSE 80 8000/TCP\n",
        "FROM x\nEXPOSE 9000\nEXPOSE 8000\n",
    ],
    ids=["plain", "lowercase-tcp", "several-ports", "second-expose"],
)
def test_passes(dockerfile):
    assert_passes(check, dockerfile)


@pytest.mark.parametrize(
    ("dockerfile", "line", "says"),
    [
        ("FROM x\nRUN true\n", None, "no EXPOSE"),
        ("FROM x\nEXPOSE 80\n", 2, "EXPOSE 8000"),
        ("FROM x\nEXPOSE 8000/udp\n", 2, "not exposed"),
        ("FROM x\nEXPOSE 8000\nFROM y\n", None, "no EXPOSE"),
    ],
    ids=["none", "other-port", "udp", "earlier-stage-only"],
)
def test_fails(dockerfile, line, says):
    assert_fails(check, dockerfile, line=line, says=says)
