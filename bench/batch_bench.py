"""Batch grading speed: a class of offline-buildable submissions with --jobs 1 and --jobs 2, in the same run.

    .venv/bin/python bench/batch_bench.py [--students 24] [--task task3-2] [--docker-host URL --docker-host URL]

Generates a class of --students copies of the model solution, each with its own last layer (a LABEL naming the
student), so that every student's image is built and probed while the dependency layers stay cached as they
would in a real class. Warms the cache once, then grades the class through the CLI (`python -m graders grade
--task TASK --no-advisories`) with --jobs 1, then --jobs 2, and prints the wall times, the speed-up (goal >= 1.6x
on 2 cores) and the median time per submission. With two --docker-host engines it also grades with --jobs 2
spread over both (goal: >= 1.6x over one engine at --jobs 1).
"""

from __future__ import annotations

import argparse
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MODEL = ROOT / "exercises" / "docker-fundamentals-2022" / "submissions" / "model-solution"


def make_class(folder: Path, students: int) -> Path:
    for index in range(students):
        student = folder / f"student-{index:02d}"
        shutil.copytree(MODEL, student)
        for dockerfile in student.glob("dockerfile-*"):
            dockerfile.write_text(dockerfile.read_text() + f'LABEL course.student="student-{index:02d}"\n')
    return folder


def grade(classroom: Path, task: str, jobs: int, hosts: list[str], out: Path) -> tuple[float, list[float]]:
    command = [sys.executable, "-m", "graders", "grade", str(classroom), "--task", task, "--no-advisories",
               "--jobs", str(jobs), "--out", str(out)]
    for host in hosts:
        command += ["--docker-host", host]
    start = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    wall = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(f"grading failed ({done.returncode}):\n{done.stderr[-2000:]}")
    per_task = [float(seconds) for seconds in re.findall(r"\((\d+\.\d) s\)$", done.stderr, flags=re.M)]
    scores = re.findall(r": graded (\d+)/(\d+)", done.stderr)
    if any(score != maximum for score, maximum in scores):
        print(f"  note: not every submission got full marks ({scores[:3]} ...)")
    return wall, per_task


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=24)
    parser.add_argument("--task", default="task3-2")
    parser.add_argument("--docker-host", dest="hosts", action="append", default=[],
                        help="two engines to compare one engine with both (default: DOCKER_HOST only)")
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="batch-bench-") as temporary:
        folder = Path(temporary)
        classroom = make_class(folder / "class", arguments.students)
        warm = make_class(folder / "warm", 1)
        for host in arguments.hosts or [None]:
            grade(warm, arguments.task, 1, [host] if host else [], folder / f"warm-{len(str(host))}")
        one_engine = arguments.hosts[:1]
        serial, serial_tasks = grade(classroom, arguments.task, 1, one_engine, folder / "jobs1")
        parallel, parallel_tasks = grade(classroom, arguments.task, 2, one_engine, folder / "jobs2")
        print(f"{arguments.students} submissions, task {arguments.task}, warm cache")
        print(f"  --jobs 1: {serial:6.1f} s   median per submission {statistics.median(serial_tasks):.2f} s")
        print(f"  --jobs 2: {parallel:6.1f} s   median per submission {statistics.median(parallel_tasks):.2f} s")
        print(f"  speed-up, jobs 2 / jobs 1: {serial / parallel:.2f}x  (goal >= 1.6x)")
        if len(arguments.hosts) >= 2:
            spread, _ = grade(classroom, arguments.task, 2, arguments.hosts[:2], folder / "engines2")
            print(f"  --jobs 2 over two engines: {spread:6.1f} s   speed-up over one engine at --jobs 1: "
                  f"{serial / spread:.2f}x  (goal >= 1.6x)")


if __name__ == "__main__":
    main()
