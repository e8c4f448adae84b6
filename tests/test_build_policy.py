"""What the harness refuses to build (graders.build_policy): privileged or host-network steps, custom frontends,
ADD of the grader's own addresses, absurd sizes; and what it lets through. Names resolve through a fake resolver:
these tests send nothing to the network."""

import ipaddress
import socket

import pytest

from graders.build_policy import MAX_INSTRUCTIONS, refusal
from graders.dockerfile import parse

ADDRESSES = {"metadata.google.internal": "169.254.169.254", "loopback.example": "127.0.0.1",
             "example.com": "93.184.215.14"}


@pytest.fixture(autouse=True)
def resolver(monkeypatch):
    def getaddrinfo(host, port, *args, **kwargs):
        if host not in ADDRESSES:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        family = socket.AF_INET6 if ipaddress.ip_address(ADDRESSES[host]).version == 6 else socket.AF_INET
        return [(family, socket.SOCK_STREAM, socket.IPPROTO_TCP, "", (ADDRESSES[host], port or 0))]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)


@pytest.mark.parametrize("dockerfile, fragment", [
    ("FROM x\nRUN --security=insecure id\n", "`RUN --security=insecure`"),
    ("FROM x\nRUN --network=host id\n", "`RUN --network=host`"),
    ("FROM x\nRUN --network=\"host\" id\n", "`RUN --network=host`"),
    ("FROM x\nARG NET=host\nRUN --network=$NET id\n", "`RUN --network=host`"),
    ("FROM x\nRUN --mount=type=cache,target=/c --security=insecure id\n", "`RUN --security=insecure`"),
    ("FROM x\nONBUILD RUN --network=host id\n", "`RUN --network=host`"),
    ("# syntax=example.com/frontend:1\nFROM x\n", "custom BuildKit frontend"),
    ("# syntax = docker/dockerfile:1-labs-evil@sha256:00\nFROM x\n", "custom BuildKit frontend"),
    ("FROM x\nADD http://127.0.0.1:9/ /x\n", "fetches from 127.0.0.1"),
    ("FROM x\nADD http://localhost/x /x\n", "fetches from localhost"),
    ("FROM x\nADD http://[::1]:2375/info /x\n", "fetches from ::1"),
    ("FROM x\nADD http://2130706433/ /x\n", "fetches from 2130706433"),
    ("FROM x\nADD http://169.254.169.254/latest/meta-data/ /x\n", "fetches from 169.254.169.254"),
    ("FROM x\nADD [\"http://0.0.0.0:2375/\", \"/x\"]\n", "fetches from 0.0.0.0"),
    ("FROM x\nADD http://metadata.google.internal/computeMetadata/v1/ /x\n",
     "fetches from metadata.google.internal (169.254.169.254)"),
    ("FROM x\nADD http://loopback.example:8080/ /x\n", "fetches from loopback.example (127.0.0.1)"),
    ("FROM x\n" + "RUN :\n" * (MAX_INSTRUCTIONS + 1), f"{MAX_INSTRUCTIONS + 2:,} instructions"),
])
def test_refused(dockerfile, fragment):
    found = refusal(parse(dockerfile))
    assert found is not None and fragment in found.message and "not built" in found.message


@pytest.mark.parametrize("dockerfile", [
    "FROM x\nRUN --mount=type=cache,target=/root/.cache pip install x\n",
    "FROM x\nRUN --network=none id\n",
    "# syntax=docker/dockerfile:1\nFROM x\nRUN <<EOF\necho hi\nEOF\n",
    "# syntax=docker.io/docker/dockerfile:1.4\nFROM x\n",
    "FROM x\nADD https://example.com/archive.tar.gz /x\n",
    "FROM x\nADD https://does-not-resolve.example/x.tar.gz /x\n",
    "FROM x\nCOPY . /server\n",
    "FROM x\nRUN echo --security=insecure --network=host\n",
])
def test_allowed(dockerfile):
    assert refusal(parse(dockerfile)) is None
