"""Static grading speed: 1,000 generated Dockerfiles through the CLI, next to hadolint over the same files.

    .venv/bin/python bench/static_bench.py [--submissions 200] [--repeat 3]

Generates a class of N submissions x 5 tasks from the model solution with random realistic variations (spellings
that must pass, mistakes that must fail), then times, in this same run and on the same files:
  - `python -m graders grade CLASS --static-only --no-advisories` (the rubric checks alone),
  - `hadolint` over every file in one invocation,
  - `python -m graders grade CLASS --static-only` (exercise checks + hadolint advisories in one batched call).
Prints wall times (best of --repeat), Dockerfiles per second and the ratios. Goals: rubric checks for 1,000 files
in under 2 s and at least 5x hadolint's rate; with advisories, no slower than hadolint alone.
"""

from __future__ import annotations

import argparse
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MODEL = ROOT / "exercises" / "docker-fundamentals-2022" / "submissions" / "model-solution"

VARIATIONS = [
    ("lowercase instructions", lambda t: re.sub(r"^([A-Z]+) ", lambda m: m.group(1).lower() + " ", t, flags=re.M)),
    ("ENV with =", lambda t: t.replace("ENV PYTHONUNBUFFERED 1", "ENV PYTHONUNBUFFERED=1")),
    ("rm -fr", lambda t: t.replace("rm -rf", "rm -fr")),
    ("CRLF", lambda t: t.replace("\n", "\r\n")),
    ("comment in continuation", lambda t: t.replace(" && \\\n", " && \\\n    # next step\n", 1)),
    ("no --no-install-recommends", lambda t: t.replace(" --no-install-recommends", "", 1)),
    ("no --no-cache-dir", lambda t: t.replace(" --no-cache-dir", "", 1)),
    ("shell-form ENTRYPOINT", lambda t: re.sub(r'ENTRYPOINT \["uvicorn"\]', "ENTRYPOINT uvicorn", t)),
    ("host 127.0.0.1", lambda t: t.replace('"0.0.0.0"', '"127.0.0.1"')),
    ("ENV DEBIAN_FRONTEND", lambda t: t.replace("ARG DEBIAN_FRONTEND", "ENV DEBIAN_FRONTEND")),
    ("WORKDIR /app", lambda t: t.replace("WORKDIR /server", "WORKDIR /app")),
    ("EXPOSE 80", lambda t: t.replace("EXPOSE 8000", "EXPOSE 80")),
    ("docker.io prefix", lambda t: re.sub(r"^FROM (\S+)", r"FROM docker.io/library/\1", t, flags=re.M)),
    ("other fastapi", lambda t: t.replace("fastapi==0.78.0", "fastapi==0.79.0")),
    ("trailing comment", lambda t: t + "# graded by the bench\n"),
]


def generate(folder: Path, count: int, seed: int = 7) -> int:
    rng = random.Random(seed)
    templates = {path.name: path.read_text() for path in sorted(MODEL.glob("dockerfile-*"))}
    extras = [MODEL / "pyproject.toml", MODEL / "poetry.lock"]
    files = 0
    for index in range(count):
        submission = folder / f"student-{index:04d}"
        submission.mkdir(parents=True)
        for extra in extras:
            shutil.copy(extra, submission / extra.name)
        for name, text in templates.items():
            for _label, vary in rng.sample(VARIATIONS, rng.randint(0, 4)):
                text = vary(text)
            (submission / name).write_text(text, newline="")
            files += 1
    return files


def best_of(repeat: int, command: list[str]) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        times.append(time.perf_counter() - start)
    return min(times)


def hadolint_command(files: list[Path]) -> list[str]:
    hadolint = shutil.which("hadolint", path=str(Path(sys.executable).parent)) or "hadolint"
    return [hadolint, "--no-fail", "-f", "json", *map(str, files)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--submissions", type=int, default=200, help="submissions of 5 Dockerfiles each")
    parser.add_argument("--repeat", type=int, default=3)
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="static-bench-") as temporary:
        folder = Path(temporary)
        count = generate(folder, arguments.submissions)
        files = sorted(folder.glob("*/dockerfile-*"))
        grade = [sys.executable, "-m", "graders", "grade", str(folder), "--static-only"]
        checks_only = best_of(arguments.repeat, grade + ["--no-advisories"])
        hadolint = best_of(arguments.repeat, hadolint_command(files))
        with_advisories = best_of(arguments.repeat, grade)
    print(f"{count} Dockerfiles ({arguments.submissions} submissions), best of {arguments.repeat} runs")
    print(f"  rubric checks (CLI, advisories off): {checks_only:6.2f} s  {count / checks_only:8.0f} Dockerfiles/s")
    print(f"  hadolint, one invocation:            {hadolint:6.2f} s  {count / hadolint:8.0f} Dockerfiles/s")
    print(f"  rubric checks + hadolint advisories: {with_advisories:6.2f} s  "
          f"{count / with_advisories:8.0f} Dockerfiles/s")
    print(f"  rate ratio, rubric checks / hadolint:      {hadolint / checks_only:5.1f}x  (goal >= 5x)")
    print(f"  time ratio, with advisories / hadolint:    {with_advisories / hadolint:5.2f}   (goal <= 1.0)")


if __name__ == "__main__":
    main()
