"""What the harness stamps on what it makes in an engine: the run's labels (graders.cleanup reads them to tell a
dead run's leftovers from a live run's) and the image tags of a batch, valid and distinct whatever the submission's
folder is named."""

from __future__ import annotations

import hashlib
import os
import re
import socket
import threading
from typing import Any

from .host import process_start

RUN_LABEL = "graders.run"
PID_LABEL = "graders.pid"
HOST_LABEL = "graders.host"
START_LABEL = "graders.pid-start"  # the process's start in ticks since boot: a reused pid is not the run
IMAGE_LABEL = "graders.image"  # the tag a batch build was made for


def host_name() -> str:
    """This host's name, as the `graders.host` label holds it."""
    return socket.gethostname() or "unknown"


def run_labels(run_id: str) -> dict[str, str]:
    """The labels of everything a run of this process makes in an engine."""
    labels = {RUN_LABEL: run_id, PID_LABEL: str(os.getpid()), HOST_LABEL: host_name()}
    start = process_start(os.getpid())
    if start is not None:
        labels[START_LABEL] = start
    return labels


def harness_labelled(attrs: dict[str, Any]) -> bool:
    """Whether an inspected image carries a run's labels (a LABEL step of the harness made it)."""
    labels = (attrs.get("Config") or {}).get("Labels") or {}
    return RUN_LABEL in labels or PID_LABEL in labels or HOST_LABEL in labels


class BatchTags:
    """The image tags of a batch: graders/<submission>-<task>:<run>, none given twice."""

    def __init__(self) -> None:
        self._given: set[str] = set()
        self._lock = threading.Lock()

    def new(self, submission_id: str, task_id: str, run_id: str) -> str:
        name = f"graders/{_component(submission_id)}-{_component(task_id)}"
        tag = f"{name}:{_tag_text(run_id)}"
        with self._lock:
            suffix = 2
            while tag in self._given:  # the same submission id twice (two PATHs with one folder name)
                tag = f"{name}-{suffix}:{_tag_text(run_id)}"
                suffix += 1
            self._given.add(tag)
        return tag


def _component(text: str) -> str:
    """A valid, lowercase repository path component for `text`; a short hash keeps changed names apart."""
    cleaned = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60].strip("-")
    if cleaned != text:
        cleaned = f"{cleaned or 'x'}-{hashlib.sha1(text.encode('utf-8', 'surrogatepass')).hexdigest()[:8]}"
    return cleaned


def _tag_text(text: str) -> str:
    cleaned = re.sub(r"[^A-Za-z0-9_.-]+", "-", text).lstrip(".-")[:128]
    return cleaned or "run"
