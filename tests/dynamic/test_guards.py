"""The step guard on a scripted engine: which containers it believes are the build's, confined and killed."""

from graders.guards import StepGuard
from graders.limits import Limits

STEP, OLD = "a" * 12, "b" * 12


class Build:
    """The watched build: started at 1000.0 by the engine's clock."""

    started = 1000.0
    stopped_for = None

    def stop(self, reason):
        self.stopped_for = reason


class Engine:
    local = False

    def __init__(self):
        self.containers = {STEP: {"Id": STEP + "full", "Created": "1970-01-01T00:16:41Z", "State": {"Pid": 0}},
                           OLD: {"Id": OLD + "full", "Created": "1970-01-01T00:10:00Z", "State": {"Pid": 0}}}
        self.confined, self.killed = [], []

    def inspect_container(self, container):
        return self.containers.get(container[:12])

    def inspect_image(self, image):
        return None

    def confine(self, container, limits):
        self.confined.append((container, limits.pids_limit))

    def kill(self, container):
        self.killed.append(container)

    def remove_container(self, container):
        self.containers.pop(container[:12], None)

    def remove_image(self, image, **options):
        pass


def test_only_containers_made_after_the_build_started_are_its_steps():
    engine = Engine()
    guard = StepGuard(engine, Limits(pids_limit=64, build_disk=0))
    guard.watch(Build())
    guard.line(f" ---> Running in {OLD}")  # a step that prints another container's id
    guard.line(f" ---> Running in {STEP}")
    guard.line(" ---> Running in not-a-container")
    assert guard.containers == [STEP + "full"] and engine.confined == [(STEP + "full", 64)]
    guard.stopped()
    guard.close(failed=True)
    assert engine.killed == [STEP + "full"], "the running step is killed when the build is stopped"
    assert STEP not in engine.containers, "and removed with the failed build"
