"""Progress of a batch on stderr: a live status line on a terminal, one line per graded task elsewhere (CI logs)."""

from __future__ import annotations

import shutil
import sys
import threading
import time
from typing import TextIO

from ..exercise import TaskSpec
from ..results import TaskResult
from ..submission import Submission
from .common import printable


class BatchProgress:
    def __init__(self, total: int, stream: TextIO = sys.stderr, live: bool | None = None) -> None:
        self.total = total
        self.done = 0
        self.stream = stream
        self.live = stream.isatty() if live is None else live
        self.started = time.monotonic()
        self._doing: dict[int, tuple[str, float]] = {}
        self._lock = threading.Lock()

    def __call__(self, event: str, submission: Submission, task: TaskSpec, result: TaskResult | None) -> None:
        with self._lock:
            worker = threading.get_ident()
            if event == "start":
                self._doing[worker] = (f"{printable(submission.id, one_line=True)} {task.id}", time.monotonic())
            else:
                _doing, started = self._doing.pop(worker, ("", None))
                self.done += 1
                took = f" ({time.monotonic() - started:.1f} s)" if started is not None else ""
                if not self.live and result is not None:
                    self._line(f"[{self.done}/{self.total}] {printable(submission.id, one_line=True)} {task.id}: "
                               f"{result.status} {result.score}/{result.max_score}{took}")
            if self.live:
                self._redraw()

    def finish(self) -> None:
        if self.live:
            self.stream.write("\r\033[K")
        self._line(f"graded {self.done} of {self.total} tasks in {_duration(time.monotonic() - self.started)}")

    def _redraw(self) -> None:
        elapsed = time.monotonic() - self.started
        remaining = elapsed / self.done * (self.total - self.done) if self.done else None
        eta = f", ~{_duration(remaining)} left" if remaining is not None else ""
        doing = " | ".join(sorted(what for what, _started in self._doing.values())) or "idle"
        text = f"[{self.done}/{self.total}] {_duration(elapsed)}{eta} · {doing}"
        width = shutil.get_terminal_size((100, 20)).columns - 1
        self.stream.write("\r\033[K" + text[:width])
        self.stream.flush()

    def _line(self, text: str) -> None:
        self.stream.write(text + "\n")
        self.stream.flush()


def _duration(seconds: float) -> str:
    minutes, seconds = divmod(int(seconds), 60)
    return f"{minutes}m{seconds:02d}s" if minutes else f"{seconds}s"
