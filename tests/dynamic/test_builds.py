from graders.checks.dynamic.builds import check
from graders.session_types import BuildResult
from tests.dynamic.fakes import FakeSession, assert_verdict, image, run


def test_passes():
    fake = FakeSession(build_result=BuildResult(True, image(), "built x in 1.0 s"))
    assert_verdict(run(check, fake), "passed", "built x")


def test_fails_with_the_step_and_line():
    result = BuildResult(False, None, "Step 5/12 : RUN apt-get install nope failed: ...", failing_step="Step 5/12",
                         line=7)
    verdict = run(check, FakeSession(built=None, build_result=result))
    assert_verdict(verdict, "failed", "Step 5/12 : RUN apt-get install nope")
    assert verdict.line == 7
