"""The adversarial corpus: hostile submissions, made at test time (the big ones sparse), with what each must get.

Every case is one submission folder holding a `dockerfile-task-3-2` (the exercise's task 3-2, on the offline
python:3.8.12-slim stand-in) and, where it needs one, a program in `app/`. `expected` is the verdict the harness
must give: a check id, its status and fragments of its message; `seconds` bounds the case's wall time in a batch
run with the small test limits of `TEST_LIMITS`.
"""

from __future__ import annotations

import os
import random
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from graders.limits import Limits
from tests.dynamic.conftest import BASE, FIXTURES, ROOT, fixture_dockerfile

MIB = 1024**2
BUILD_TIMEOUT = 20.0
RUN_TIMEOUT = 10.0
TEST_LIMITS = Limits(mem_limit="256m", nano_cpus=1_000_000_000, pids_limit=64, build_memory="512m",
                     build_disk=200 * MIB, context_bytes=64 * MIB, image_bytes=2048 * MIB, log_bytes=2 * MIB,
                     response_bytes=64 * 1024, container_disk=200 * MIB, disk_interval=0.25)
FOREVER = '["/bin/sh", "-c", "{script}"]'


@dataclass
class Case:
    name: str
    what: str  # for the README's table
    expected: list[tuple[str, str, tuple[str, ...]]]  # (check id, status, message fragments)
    seconds: float  # the most the case may take in the batch
    make: callable = field(repr=False, default=None)


HOLD = '''\
import socket
listener = socket.socket()
listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
listener.bind(("0.0.0.0", 8000))
listener.listen(64)
print("listening on 0.0.0.0:8000, answering nothing", flush=True)
held = []
while True:
    held.append(listener.accept()[0])
'''

HUGE_BODY = '''\
import socket, threading
SIZE = 1 << 30
def serve(connection):
    try:
        connection.recv(65536)
        connection.sendall(b"HTTP/1.1 200 OK\\r\\nContent-Type: text/plain\\r\\nContent-Length: %d\\r\\n\\r\\n" % SIZE)
        chunk, sent = b"x" * 65536, 0
        while sent < SIZE:
            connection.sendall(chunk)
            sent += len(chunk)
    except OSError:
        pass
    finally:
        connection.close()
listener = socket.socket()
listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
listener.bind(("0.0.0.0", 8000))
listener.listen(64)
print("serving 1 GiB bodies on 0.0.0.0:8000", flush=True)
while True:
    threading.Thread(target=serve, args=(listener.accept()[0],), daemon=True).start()
'''


def _submission(root: Path, name: str, dockerfile: str | bytes | None, files: dict[str, str] | None = None) -> Path:
    folder = root / name
    (folder / "app").mkdir(parents=True)
    shutil.copy2(FIXTURES / "fake_uvicorn.py", folder / "app" / "fake_uvicorn.py")
    (folder / "app" / "fake_uvicorn.py").chmod(0o755)
    for relative, text in (files or {}).items():
        (folder / relative).write_text(text)
    if isinstance(dockerfile, bytes):
        (folder / "dockerfile-task-3-2").write_bytes(dockerfile)
    elif dockerfile is not None:
        (folder / "dockerfile-task-3-2").write_text(dockerfile)
    return folder


def _entrypoint(script: str) -> str:
    return fixture_dockerfile(entrypoint=FOREVER.format(script=script), cmd="[]")


def make_corpus(root: Path, local_engine: bool = True) -> dict[str, Case]:
    """Write every case's submission under `root`; the cases by name (the folder names). `local_engine`: the engine
    runs on this host, where the harness reads its cgroups and names a fork bomb (elsewhere: the timeouts)."""
    cases: list[Case] = []

    def case(name, what, expected, seconds, dockerfile=None, files=None, then=None):
        folder = _submission(root, name, dockerfile, files)
        if then:
            then(folder)
        cases.append(Case(name, what, expected, seconds))

    blocked = ("image-config", "failed", ("blocked: builds failed",))
    case("good", "a good submission (the fixture app), graded beside all the others", [
        ("builds", "passed", ("built graders/good-task3-2:",)),
        ("serves-hello-world", "passed", ("answered 200",)),
    ], 30, fixture_dockerfile())
    # the bombs' shells `exec` their sleep: a shell that forks it could itself be refused, and exit at once
    bomb_stopped = ("tried to run more than its limit of 64 processes", "a fork bomb?") if local_engine \
        else (f"did not finish within {BUILD_TIMEOUT:g} s",)
    case("fork-bomb-build", "a fork bomb in a RUN", [
        ("builds", "failed", ("RUN exec 2>/dev/null; bomb()", *bomb_stopped)), blocked,
    ], 10 if local_engine else BUILD_TIMEOUT + 20,
        fixture_dockerfile("RUN exec 2>/dev/null; bomb() { bomb | bomb & }; bomb; exec sleep 100000"))
    case("sleep-forever", "`RUN sleep 100000`", [
        ("builds", "failed", ("RUN sleep 100000: still running", f"did not finish within {BUILD_TIMEOUT:g} s")),
        blocked,
    ], BUILD_TIMEOUT + 20, fixture_dockerfile("RUN sleep 100000"))
    case("disk-filler", "a RUN writing to disk without end", [
        ("builds", "failed", ("RUN dd if=/dev/zero of=/fill bs=1M failed", "wrote more than its disk budget of 200 MiB",
                              "it was stopped and what it wrote removed")), blocked,
    ], 40, fixture_dockerfile("RUN dd if=/dev/zero of=/fill bs=1M"))
    case("volume-filler", "a RUN writing without end into a VOLUME (which a layer's size leaves out)", [
        ("builds", "failed", ("wrote more than its disk budget of 200 MiB",) if local_engine
         else (f"did not finish within {BUILD_TIMEOUT:g} s",)), blocked,
    ], 40, fixture_dockerfile("VOLUME /data\nRUN dd if=/dev/zero of=/data/fill bs=1M"))
    case("log-flood-build", "a RUN printing without end", [
        ("builds", "failed", ("Step 6/9 : RUN yes 'a build log line without end' failed",
                              "printed more than 2 MiB of log")), blocked,
    ], 40, fixture_dockerfile("RUN yes 'a build log line without end'"))
    case("fork-bomb-container", "a container that forks without end", [
        ("builds", "passed", ()),
        ("serves-hello-world", "failed", (f"no answer on port 8000 within {RUN_TIMEOUT:g} s",
                                          *(("refused at its limit of 64: a fork bomb?",) if local_engine else ()))),
    ], RUN_TIMEOUT + 40, _entrypoint("bomb() { bomb | bomb & }; bomb 2>/dev/null; exec sleep 100000"))
    case("disk-filler-container", "a container writing to disk without end", [
        ("builds", "passed", ()),
        ("serves-hello-world", "failed", ("stopped by the grader: it wrote", "over its limit of 200 MiB")),
    ], RUN_TIMEOUT + 20, _entrypoint("dd if=/dev/zero of=/fill bs=1M 2>/dev/null; sleep 100000"))
    case("volume-filler-container", "a container writing to a VOLUME without end", [
        ("builds", "passed", ()),
        ("serves-hello-world", "failed", ("stopped by the grader: it wrote", "over its limit of 200 MiB")
         if local_engine else (f"no answer on port 8000 within {RUN_TIMEOUT:g} s",)),
    ], RUN_TIMEOUT + 20, fixture_dockerfile("VOLUME /data", entrypoint=FOREVER.format(
        script="dd if=/dev/zero of=/data/fill bs=1M 2>/dev/null; sleep 100000"), cmd="[]"))
    case("log-flood-container", "a container that writes logs without end", [
        ("builds", "passed", ()),
        ("serves-hello-world", "failed", (f"no answer on port 8000 within {RUN_TIMEOUT:g} s", "last log lines",
                                          "a log line without end")),
    ], RUN_TIMEOUT + 40, _entrypoint("yes 'a log line without end'"))
    case("never-answers", "a container that listens and never answers", [
        ("builds", "passed", ()),
        ("serves-hello-world", "failed", ("the connection was accepted but no answer came",)),
    ], RUN_TIMEOUT + 40, fixture_dockerfile(entrypoint='["python3", "/server/app/hold.py"]', cmd="[]"),
        {"app/hold.py": HOLD})
    case("huge-response", "a response body of 1 GB", [
        ("builds", "passed", ()),
        ("serves-hello-world", "failed", ("answered 200, but the first 64 KiB does not contain `Hello World`",)),
    ], RUN_TIMEOUT + 40, fixture_dockerfile(entrypoint='["python3", "/server/app/huge_body.py"]', cmd="[]"),
        {"app/huge_body.py": HUGE_BODY})
    case("100k-lines", "a 100,000-line Dockerfile", [
        ("builds", "failed", ("not built: the Dockerfile has 100,000 instructions",)), blocked,
    ], 60, f"FROM {BASE}\n" + "RUN :\n" * 99_999)
    garbage = random.Random(5).randbytes(64 * 1024)
    case("binary-garbage", "binary garbage as the Dockerfile", [
        ("base-image", "failed", ("is a binary file",)), ("builds", "failed", ("is a binary file",)),
    ], 20, garbage)

    def link_app_to_etc(folder: Path) -> None:
        shutil.rmtree(folder / "app")
        (folder / "app").symlink_to("/etc")

    case("app-links-to-etc", "a symlink `app -> /etc`", [
        ("builds", "failed", ("symbolic links that lead out of it", "`app -> /etc`")), blocked,
    ], 20, fixture_dockerfile().replace("COPY app/fake_uvicorn.py /usr/local/bin/uvicorn\n", ""),
        then=link_app_to_etc)

    def link_to_grader(folder: Path) -> None:
        (folder / "app" / "secrets.py").symlink_to(ROOT / "graders" / "cli.py")
        (folder / "pyproject.toml").symlink_to(ROOT / "pyproject.toml")

    case("links-to-grader", "symlinks to the grader's own files", [
        ("builds", "failed", ("symbolic links that lead out of it", "app/secrets.py ->")), blocked,
    ], 20, fixture_dockerfile(), then=link_to_grader)

    def dockerfile_to_grader(folder: Path) -> None:
        (folder / "dockerfile-task-3-2").symlink_to(ROOT / "README.md")

    case("dockerfile-links-to-grader", "the Dockerfile a symlink to the grader's README", [
        ("base-image", "failed", ("a symbolic link that leads out of the submission",)),
        ("builds", "failed", ("a symbolic link that leads out of the submission",)),
    ], 20, None, then=dockerfile_to_grader)

    def big_file(folder: Path) -> None:
        with open(folder / "app" / "big.bin", "wb") as handle:  # sparse: 1 GiB in no time and no space
            handle.truncate(1 << 30)

    case("1gb-context", "a 1 GB file in the build context", [
        ("builds", "failed", ("cannot make the build context", "would exceed 64 MiB", "app/big.bin")), blocked,
    ], 20, fixture_dockerfile(), then=big_file)
    case("from-scratch", "`FROM scratch`", [
        ("builds", "passed", ()),
        ("serves-hello-world", "failed", ("the container stopped", "no such file or directory")),
    ], RUN_TIMEOUT + 30, fixture_dockerfile().replace(f"FROM {BASE}", "FROM scratch"))
    case("from-missing-image", "a FROM of an image that does not exist", [
        ("builds", "error", ("graders-adversarial/does-not-exist:1",)),
    ], 20, fixture_dockerfile().replace(f"FROM {BASE}", "FROM graders-adversarial/does-not-exist:1"))
    case("add-unreachable-url", "`ADD` of an unreachable URL (http://127.0.0.1:9/)", [
        ("builds", "failed", ("not built: `ADD http://127.0.0.1:9/nothing` fetches from 127.0.0.1",)), blocked,
    ], 20, fixture_dockerfile("ADD http://127.0.0.1:9/nothing /nothing"))
    case("run-insecure", "`RUN --security=insecure`", [
        ("builds", "failed", ("not built: `RUN --security=insecure`", "privileged")), blocked,
    ], 20, fixture_dockerfile("RUN --security=insecure cat /proc/self/status"))
    case("run-network-host", "`RUN --network=host`", [
        ("builds", "failed", ("not built: `RUN --network=host`", "host's network")), blocked,
    ], 20, fixture_dockerfile("RUN --network=host wget -q -O- http://127.0.0.1:2375/info"))
    case("syntax-frontend", "a custom `# syntax=` BuildKit frontend", [
        ("builds", "failed", ("custom BuildKit frontend",)), blocked,
    ], 20, "# syntax=example.com/evil/frontend:1\n" + fixture_dockerfile("RUN --security=insecure true"))
    return {item.name: item for item in cases}


def sparse_files(root: Path) -> list[Path]:
    return [Path(d) / f for d, _, files in os.walk(root) for f in files if (Path(d) / f).stat().st_size >= 1 << 30]
