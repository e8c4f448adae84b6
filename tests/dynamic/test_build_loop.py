"""The streaming build loop on a scripted engine: the log it keeps, the deadline, its watchers, whose failure it is."""

import time
from pathlib import Path

import pytest

from graders.build_loop import MAX_LOG_LINES, BuildRequest, BuildWatcher, stream_build
from graders.core import HarnessError
from graders.engine_errors import BuildRefused, StreamBroken
from graders.engine_wire import BuildEvent
from graders.guards import LogBudget

REQUEST = BuildRequest(Path("/context"), "Dockerfile", "graders/x-task1:run", timeout=30.0)


class ScriptedStream:
    """A build's connection that plays `events` (a BuildEvent, or an exception to raise, or seconds to wait)."""

    def __init__(self, events):
        self._events = events
        self.started = None
        self.deadlines = []
        self.shut_down = self.closed = False

    def events(self):
        for event in self._events:
            if isinstance(event, Exception):
                raise event
            if isinstance(event, float):
                time.sleep(event)
                continue
            yield event

    def set_deadline(self, seconds):
        self.deadlines.append(seconds)

    def shut(self):
        self.shut_down = True

    def close(self):
        self.closed = True


class ScriptedEngine:
    url = "unix:///scripted.sock"

    def __init__(self, events, images=None):
        self.stream = ScriptedStream(events)
        self.images = images or {}

    def start_build(self, context, dockerfile, tag, **options):
        return self.stream

    def inspect_image(self, reference):
        return self.images.get(reference)


class Recorder(BuildWatcher):
    def __init__(self):
        self.lines, self.printed_size, self.closed = [], 0, None

    def printed(self, size):
        self.printed_size += size

    def line(self, line):
        self.lines.append(line)

    def close(self, failed):
        self.closed = failed


def output(text):
    return BuildEvent("output", text)


def test_a_build_keeps_its_lines_and_tells_its_watchers():
    engine = ScriptedEngine([output("Step 1/2 : FROM x\n ---> 0123456789ab\nStep 2/2 : "), output("CMD [\"true\"]\n"),
                             output("\x1b[1mbold\x1b[0m\r\n"), BuildEvent("image", "sha256:1")])
    recorder, seen = Recorder(), []
    built = stream_build(engine, REQUEST, watchers=[recorder], on_line=seen.append)
    assert built.image_id == "sha256:1" and built.error is None
    assert built.log == ["Step 1/2 : FROM x", " ---> 0123456789ab", 'Step 2/2 : CMD ["true"]', "bold"]
    assert recorder.lines == seen == built.log and recorder.printed_size > 0 and recorder.closed is False
    assert engine.stream.closed and engine.stream.deadlines and max(engine.stream.deadlines) <= 30.0


def test_a_flood_of_lines_keeps_the_step_that_ran():
    engine = ScriptedEngine([output("Step 4/9 : RUN yes\n"), output("y\n" * (MAX_LOG_LINES + 1000)),
                             BuildEvent("error", "The command '/bin/sh -c yes' returned a non-zero code: 1")])
    built = stream_build(engine, REQUEST)
    assert built.image_id is None and built.error.startswith("The command")
    assert built.dropped_lines > 0 and len(built.log) <= MAX_LOG_LINES + 500
    assert built.log[0] == "Step 4/9 : RUN yes", "which step ran stays known"


def test_a_watcher_stops_the_build_over_its_budget():
    engine = ScriptedEngine([output("x" * 100 + "\n"), BuildEvent("image", "sha256:never")])
    built = stream_build(engine, REQUEST, watchers=[LogBudget(50)])
    assert built.image_id is None and engine.stream.shut_down
    assert built.limit == built.error and "printed more than 50 bytes of log" in built.limit


def test_a_machine_problem_of_the_engine_is_the_machines():
    with pytest.raises(HarnessError, match="failed while building: write /x: no space left on device"):
        stream_build(ScriptedEngine([BuildEvent("error", "write /x: no space left on device")]), REQUEST)
    with pytest.raises(HarnessError, match="the Docker engine failed: no space left on device"):
        stream_build(ScriptedEngine([BuildRefused("no space left on device")]), REQUEST)


def test_a_refused_build_is_its_failure():
    built = stream_build(ScriptedEngine([BuildRefused("dockerfile parse error line 2: unknown instruction: RUNN")]),
                         REQUEST)
    assert built.image_id is None and built.error.startswith("dockerfile parse error line 2")


def test_a_dropped_connection_before_the_deadline_is_the_machines():
    with pytest.raises(HarnessError, match="dropped the build: connection reset"):
        stream_build(ScriptedEngine([output("Step 1/2 : FROM x\n"), StreamBroken("connection reset")]), REQUEST)


def test_the_deadline():
    request = BuildRequest(Path("/context"), "Dockerfile", "t", timeout=0.2)
    built = stream_build(ScriptedEngine([output("Step 1/2 : RUN sleep 100\n"), 0.3, output("late\n")]), request)
    assert built.timed_out and built.error == "the build did not finish within 0.2 s"
    assert "late" in built.log, "what came until the deadline is kept"


def test_without_an_image_event_the_tag_says_which_image_it_made():
    engine = ScriptedEngine([output("Successfully built 0123456789ab\n")], {REQUEST.tag: {"Id": "sha256:2"}})
    assert stream_build(engine, REQUEST).image_id == "sha256:2"
    assert stream_build(ScriptedEngine([]), REQUEST).error == "the engine ended the build without an image"
