"""What one submission may use on the grader's machine, and the sizes those limits are written in.

The engine applies the limits (graders.engine, graders.guards), the `grade` command sets them
(graders.cli_limits), and the README's "Safety" section lists the defaults.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

KIB, MIB, GIB = 1024, 1024**2, 1024**3


@dataclass(frozen=True)
class Limits:
    """Every container the harness starts, and every RUN step of a build: `nano_cpus` CPUs and `pids_limit`
    processes; containers `mem_limit` of memory, build steps `build_memory`. A build may write `build_disk` bytes
    (its steps' containers and the layers they commit) and print `log_bytes` of log; its context holds at most
    `context_bytes`, the image it makes at most `image_bytes`. Of a container, the engine keeps and the harness
    reads at most `log_bytes` of log, and the probe at most `response_bytes` of an answer's body; a container may
    write `container_disk` bytes to its own filesystem.
    """

    mem_limit: str = "512m"
    nano_cpus: int = 1_000_000_000
    pids_limit: int = 256
    build_memory: str = "2g"
    build_disk: int = 4 * GIB
    context_bytes: int = 256 * MIB
    image_bytes: int = 4 * GIB
    log_bytes: int = 16 * MIB
    response_bytes: int = 64 * KIB
    container_disk: int = 1 * GIB
    disk_interval: float = 0.5  # seconds between two measures of what a build wrote


_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([kmgt]?)(i?b?)\s*$", re.IGNORECASE)
_FACTOR = {"": 1, "k": KIB, "m": MIB, "g": GIB, "t": 1024 * GIB}


def parse_size(text: str) -> int:
    """`4G`, `256M`, `200MB`, `64KiB`, `1073741824` -> bytes (binary units: 1K = 1024)."""
    match = _SIZE.match(str(text))
    if not match:
        raise ValueError(f"a size is a number with an optional unit K, M, G or T (e.g. 4G, 256M), not {text!r}")
    return int(float(match.group(1)) * _FACTOR[match.group(2).lower()])


def format_size(count: int) -> str:
    """Bytes for a reader: `200 MiB`, `1.5 GiB`, `512 bytes`."""
    for unit, size in (("GiB", GIB), ("MiB", MIB), ("KiB", KIB)):
        if count >= size:
            return f"{count / size:.3g} {unit}"
    return f"{count} bytes"


def docker_size(count: int) -> str:
    """Bytes as Docker spells a memory size: `512m`, `2g`."""
    for unit, size in (("g", GIB), ("m", MIB), ("k", KIB)):
        if count % size == 0:
            return f"{count // size}{unit}"
    return str(int(count))
