"""dive's figures of a built image: efficiency, wasted bytes, user-wasted percent (advisories, no points).

`dive --json FILE --source docker IMAGE` writes its analysis to FILE and never starts its terminal UI.
The JSON holds `image.efficiencyScore` (a ratio, 1.0 = nothing wasted), `image.inefficientBytes` (the wasted
bytes) and `image.sizeBytes`, and per layer `layer[].sizeBytes`. It does not hold the user-wasted percent
that `dive --ci` prints; dive computes that one as wasted bytes / bytes of every layer but the first, which is
what `image_efficiency` does here (it is above 100 % when later layers waste more than they add).

dive pulls an image it does not find locally: the adapter resolves the reference to an image id first (and
hands dive the id), so it never reaches out to a registry.
"""

from __future__ import annotations

import json
import os
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from ..core import HarnessError
from ..engine import Engine
from ..results import Advisory
from . import executable as find_executable

TOOL = "dive"
DEFAULT_TIMEOUT = 600.0  # dive exports the whole image from the engine first: ~10 s for a 250 MB image


def executable() -> str:
    return find_executable("dive")


def image_efficiency(image_ref: str, *, engine: Engine | None = None, docker_host: str | None = None,
                     timeout: float = DEFAULT_TIMEOUT) -> dict[str, Any]:
    """dive's figures for the local image `image_ref` (a tag or an id):

    - `efficiency`: float, 0..1 (dive's efficiency score; 1.0 = no byte wasted),
    - `wasted_bytes`: int, bytes of files that later layers overwrite or delete,
    - `user_wasted_percent`: float, wasted bytes in percent of the bytes of every layer but the first (dive's
      `userWastedPercent`: "user" means "above the first layer", base image layers included; may exceed
      100), None for a single-layer image,
    - `size_bytes`, `user_size_bytes`, `layers`: the image's size, the bytes of its layers but the first, and
      its layer count.

    `engine` (else the engine at `docker_host`, else DOCKER_HOST's) must hold the image. Raises HarnessError
    when dive is absent, the engine does not answer, the image is not there, or dive fails.
    """
    program = executable()
    owned = engine is None
    engine = engine or Engine.connect(docker_host)
    try:
        found = engine.inspect_image(image_ref)
        url = engine.url
    finally:
        if owned:
            engine.close()
    if found is None:
        raise HarnessError(f"dive: the image {image_ref} is not in the Docker engine at {url}")
    report = _run(program, found["Id"], image_ref, url, timeout)
    return figures(report)


def figures(report: dict[str, Any]) -> dict[str, Any]:
    """The figures of `image_efficiency` from dive's JSON report."""
    try:
        image = report["image"]
        sizes = [int(layer["sizeBytes"]) for layer in report["layer"]]
        wasted = int(image["inefficientBytes"])
        efficiency = float(image["efficiencyScore"])
    except (KeyError, TypeError, ValueError) as problem:
        raise HarnessError(f"dive's JSON report lacks {problem}: is this dive 0.13?") from None
    user_size = sum(sizes[1:])
    return {
        "efficiency": efficiency,
        "wasted_bytes": wasted,
        "user_wasted_percent": 100.0 * wasted / user_size if user_size else None,
        "size_bytes": int(image.get("sizeBytes", sum(sizes))),
        "user_size_bytes": user_size,
        "layers": len(sizes),
    }


def advisories(found: dict[str, Any]) -> list[Advisory]:
    """The figures as advisories of the results (codes `efficiency`, `wasted-bytes`, `user-wasted-percent`)."""
    items = [
        Advisory(TOOL, "efficiency", None, f"image efficiency {100 * found['efficiency']:.1f} %"),
        Advisory(TOOL, "wasted-bytes", None, f"{found['wasted_bytes']} bytes wasted ({_human(found['wasted_bytes'])}) "
                                             "by files that later layers replace or delete"),
    ]
    if found.get("user_wasted_percent") is not None:
        percent = found["user_wasted_percent"]
        items.append(Advisory(TOOL, "user-wasted-percent", None,
                              f"wasted bytes are {percent:.1f} % of the bytes above the first layer"))
    return items


def _run(program: str, image_id: str, image_ref: str, url: str, timeout: float) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="graders-dive-") as folder:
        output = Path(folder) / "dive.json"
        env = {key: value for key, value in os.environ.items() if key != "CI" and not key.startswith("DIVE_")}
        env["DOCKER_HOST"] = url
        env["TMPDIR"] = folder  # dive saves the image there: removed with the folder, even after a timeout
        command = [program, "--json", str(output), "--source", "docker", image_id]
        try:
            completed = subprocess.run(command, cwd=folder, env=env, stdin=subprocess.DEVNULL, capture_output=True,
                                       timeout=timeout)
        except subprocess.TimeoutExpired:
            raise HarnessError(f"dive did not finish within {timeout:.0f} s on {image_ref}") from None
        except OSError as problem:
            raise HarnessError(f"dive could not be started ({program}): {problem}") from None
        if completed.returncode != 0 or not output.is_file():
            said = _last_lines(completed.stdout + b"\n" + completed.stderr)
            raise HarnessError(f"dive failed on {image_ref} (exit status {completed.returncode}): {said}")
        try:
            return json.loads(output.read_text(encoding="utf-8"))
        except ValueError as problem:
            raise HarnessError(f"dive wrote an unreadable report for {image_ref}: {problem}") from None


def _last_lines(data: bytes, count: int = 3) -> str:
    text = data.decode("utf-8", "replace")
    lines = [line.strip() for line in text.splitlines() if line.strip() and "\x1b[" not in line]
    return " / ".join(lines[-count:]) or "no message"


def _human(size: int) -> str:
    value = float(size)
    for unit in ("B", "kB", "MB", "GB"):
        if value < 1000 or unit == "GB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1000
    return f"{size} B"
