"""End-to-end grading speed on a warm build cache: the harness next to a plain shell script on the same files.

    .venv/bin/python bench/e2e_bench.py [--submission FOLDER] [--task task3-2] [--batch 10] [--repeat 5]

(default: the 2022 edition's model solution)

A batch of --batch copies of one submission (build cached after a warm-up) is graded, alternately, --repeat times:
  - by the harness: `graders.grading.grade` with DockerSessions (batch mode), the task's whole rubric (static and
    dynamic checks: build, image config, probe, throwaway commands, cleanup);
  - by a shell script doing what a person would: `docker build`, `docker run -d -p 127.0.0.1::8000`, a curl loop
    until `Hello World`, `docker rm -f`, on the same build context.
Prints the median wall times, their ratio (goal: harness / script <= 1.3), and the latency from "the app answers"
(a side poller hitting the published port every 10 ms, in an extra untimed round) to the harness's verdict
(goal: <= 0.25 s).
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MODEL_SOLUTION = ROOT / "exercises" / "docker-fundamentals-2022" / "submissions" / "model-solution"
sys.path.insert(0, str(ROOT))

from graders import probe_container  # noqa: E402  (where the session looks up probe())
from graders.build_context import batch_context  # noqa: E402
from graders.core import Status  # noqa: E402
from graders.exercise import TaskSpec, load_exercise  # noqa: E402
from graders.grading import GradingOptions, grade  # noqa: E402
from graders.session import DockerSessions  # noqa: E402
from graders.session_modes import BatchMode  # noqa: E402
from graders.submission import Submission  # noqa: E402

SCRIPT = r"""
set -eu
ctx="$1"; dockerfile="$2"; count="$3"
for i in $(seq 1 "$count"); do
    docker build -q -f "$ctx/$dockerfile" -t "graders-bench-script-$i:latest" "$ctx" >/dev/null
    cid=$(docker run -d -p 127.0.0.1::8000 "graders-bench-script-$i:latest")
    port=$(docker port "$cid" 8000/tcp | head -n 1 | sed 's/.*://')
    deadline=$(( $(date +%s) + 60 ))
    until curl -sf -m 2 "http://127.0.0.1:$port/" | grep -q "Hello World"; do
        [ "$(date +%s)" -lt "$deadline" ] || { echo "no Hello World from $cid" >&2; docker rm -f "$cid"; exit 1; }
        sleep 0.1
    done
    docker rm -f "$cid" >/dev/null
done
"""


class LatencyWatch:
    """Wraps the session's probe: a side poller notes when the app first answers; the probe's return is the verdict."""

    def __init__(self) -> None:
        self.latencies: list[float] = []
        self._original = probe_container.probe

    def __enter__(self) -> LatencyWatch:
        probe_container.probe = self._probe
        return self

    def __exit__(self, *exc_info) -> None:
        probe_container.probe = self._original

    def _probe(self, host, port, **kwargs):
        first: list[float] = []
        stop = threading.Event()

        def poll():
            while not stop.is_set():
                try:
                    with urllib.request.urlopen(f"http://{host}:{port}/", timeout=1) as answer:
                        if b"Hello World" in answer.read(65536):
                            first.append(time.monotonic())
                            return
                except OSError:
                    pass
                time.sleep(0.01)

        watcher = threading.Thread(target=poll, daemon=True)
        watcher.start()
        outcome = self._original(host, port, **kwargs)
        verdict = time.monotonic()
        watcher.join(timeout=2)
        stop.set()
        if outcome.ok and first:
            self.latencies.append(max(0.0, verdict - first[0]))
        return outcome


def make_batch(folder: Path, source: Path, count: int) -> list[Submission]:
    submissions = []
    for index in range(count):
        target = folder / f"bench-{index:02d}"
        shutil.copytree(source, target, symlinks=True)
        submissions.append(Submission(target.name, target))
    return submissions


def run_harness(submissions: list[Submission], task: TaskSpec, watch: LatencyWatch | None = None) -> float:
    started = time.monotonic()
    sessions = DockerSessions(BatchMode(load_exercise()))
    try:
        if watch:
            with watch:
                results = grade(submissions, [task], GradingOptions(session_factory=sessions))
        else:
            results = grade(submissions, [task], GradingOptions(session_factory=sessions))
    finally:
        sessions.close()
    elapsed = time.monotonic() - started
    for result in results:  # the bench times a working submission: it must build and serve
        for check in result.tasks[0].checks:
            if check.status is Status.ERROR or (check.id in ("builds", "serves-hello-world")
                                                and check.status is not Status.PASSED):
                raise SystemExit(f"the harness graded {result.id} {check.id} {check.status.value}: {check.message}")
    return elapsed


def run_script(context: Path, dockerfile: str, count: int) -> float:
    started = time.monotonic()
    subprocess.run(["bash", "-c", SCRIPT, "bench", str(context), dockerfile, str(count)], check=True)
    return time.monotonic() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--submission", type=Path, default=MODEL_SOLUTION)
    parser.add_argument("--task", default="task3-2")
    parser.add_argument("--batch", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=5)
    arguments = parser.parse_args()

    task = load_exercise().tasks[arguments.task]
    source = arguments.submission.resolve()
    dockerfile = Submission(source.name, source).find(task.dockerfiles)
    if dockerfile is None:
        raise SystemExit(f"{source} has no {' or '.join(task.dockerfiles)}")
    with tempfile.TemporaryDirectory(prefix="graders-e2e-bench-") as temporary:
        folder = Path(temporary)
        submissions = make_batch(folder / "class", source, arguments.batch)
        exercise = load_exercise()
        with batch_context(source, dockerfile, exercise.folder, starter=exercise.starter,
                           overlaid=exercise.overlaid) as context:  # the very files the harness builds from
            script_context = folder / "context"
            shutil.copytree(context.path, script_context, symlinks=True)
        try:
            print(f"warming the build cache ({task.id} of {source.name}) ...", flush=True)
            run_harness(submissions[:1], task)
            run_script(script_context, dockerfile.name, 1)
            harness, script = [], []
            for round_number in range(1, arguments.repeat + 1):
                harness.append(run_harness(submissions, task))
                script.append(run_script(script_context, dockerfile.name, arguments.batch))
                print(f"round {round_number}: harness {harness[-1]:.2f} s, script {script[-1]:.2f} s", flush=True)
            watch = LatencyWatch()  # its side poller costs CPU: a round of its own, not timed
            run_harness(submissions, task, watch)
        finally:
            subprocess.run(
                ["bash", "-c",
                 "docker rmi $(docker images -q 'graders-bench-script-*' | sort -u) >/dev/null 2>&1 || true"],
                check=False,
            )
    h, s = statistics.median(harness), statistics.median(script)
    per = arguments.batch
    print(f"\n{per} warm submissions, {arguments.repeat} rounds (median):")
    print(f"  harness {h:.2f} s ({h / per:.2f} s per submission), script {s:.2f} s ({s / per:.2f} s per submission)")
    print(f"  ratio harness / script: {h / s:.2f} (goal <= 1.3)")
    if watch.latencies:
        ordered = sorted(watch.latencies)
        print(f"  app answers -> verdict: median {statistics.median(ordered) * 1000:.0f} ms, "
              f"max {ordered[-1] * 1000:.0f} ms over {len(ordered)} probes (goal <= 250 ms)")


if __name__ == "__main__":
    main()
