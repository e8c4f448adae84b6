"""What the harness refuses to build, before any build: Dockerfile features that reach out of the sandbox.

A build runs the student's RUN steps on the grader's machine. These features would give them more than an
ordinary step has, so a Dockerfile that asks for one gets a failed `builds` check, with the line, and is never
sent to the engine:

- `RUN --security=insecure` (a privileged step) and `RUN --network=host` (the host's network, loopback included);
- a `# syntax=` frontend other than Docker's own `docker/dockerfile`: a frontend is a program the builder would
  run, and the custom ones are where such features hide;
- `ADD` (or `COPY`) of a URL on the grader's own machine (loopback, link-local, unspecified addresses,
  `localhost`, or a name that resolves to one of those here, like a cloud's metadata service): the engine fetches
  ADD URLs itself, from the host's network, where loopback services answer;
- more than MAX_INSTRUCTIONS instructions: an image holds at most 127 layers, the exercise needs about 15, and
  each step costs a container.
"""

from __future__ import annotations

import ipaddress
import json
import re
import socket
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import urlsplit

from .dockerfile import Dockerfile
from .dockerfile.model import split_flags
from .dockerfile.shell import expand

MAX_INSTRUCTIONS = 1000
_OFFICIAL_FRONTEND = re.compile(
    r"^(?:docker\.io/)?docker/dockerfile(?:-upstream)?(?::[\w.-]+)?(?:@sha256:[0-9a-f]{64})?$", re.IGNORECASE)
_FLAG = re.compile(r"--([A-Za-z][A-Za-z0-9-]*)(?:=(\S*))?")
_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")


@dataclass(frozen=True)
class Refusal:
    message: str
    line: int | None = None


def refusal(dockerfile: Dockerfile) -> Refusal | None:
    """Why the harness will not build this Dockerfile, or None when it may."""
    syntax = (dockerfile.directives.get("syntax") or "").strip()
    if syntax and not _OFFICIAL_FRONTEND.match(syntax):
        return Refusal(
            f"not built: `# syntax={syntax}` asks for a custom BuildKit frontend, a program the builder would run "
            "with the build's rights; the grader builds with Docker's own Dockerfile syntax only: remove the line "
            "(or use `# syntax=docker/dockerfile:1`)", 1)
    count = len(dockerfile.instructions)
    if count > MAX_INSTRUCTIONS:
        return Refusal(f"not built: the Dockerfile has {count:,} instructions; an image holds at most 127 layers and "
                       f"this exercise needs about 15 (the grader builds at most {MAX_INSTRUCTIONS:,})")
    for instruction in dockerfile.instructions:
        for keyword, flags, value in _nested(instruction.keyword, instruction.flags, instruction.value):
            for flag in flags:
                found = _privileged_flag(flag, instruction.variables)
                if found and keyword == "RUN":
                    return Refusal(f"line {instruction.line}: not built: `RUN {found}` {_WHY[found]}; "
                                   "remove the flag", instruction.line)
            if keyword in ("ADD", "COPY"):
                for source in _sources(value, instruction.variables):
                    host = _local_host(source)
                    if host:
                        return Refusal(
                            f"line {instruction.line}: not built: `{keyword} {source}` fetches from {host}: the "
                            "grader's own machine or its link-local network (the engine downloads ADD URLs itself, "
                            "from the host's network); "
                            "download from a public address, or COPY a file of the submission", instruction.line)
    return None


_WHY = {
    "--security=insecure": "asks for a privileged build step, with the host's devices and capabilities",
    "--network=host": "asks for the host's network (the grader's loopback services included)",
}


def _privileged_flag(flag: str, variables: dict[str, str]) -> str | None:
    match = _FLAG.fullmatch(flag.strip())
    if not match:
        return None
    name = match.group(1).lower()
    value = expand(match.group(2) or "", variables).strip("\"'").lower()
    if name == "security" and value == "insecure":
        return "--security=insecure"
    if name == "network" and value == "host":
        return "--network=host"
    return None


def _nested(keyword: str, flags: tuple[str, ...], value: str) -> Iterator[tuple[str, tuple[str, ...], str]]:
    """The instruction, and the one an ONBUILD carries (ONBUILD RUN --network=host ...)."""
    yield keyword, flags, value
    if keyword == "ONBUILD":
        words = value.split(None, 1)
        if words:
            inner, arguments = words[0].upper(), (words[1] if len(words) > 1 else "")
            inner_flags, value_start = split_flags(inner, arguments)
            yield inner, inner_flags, arguments[value_start:].strip()


def _sources(value: str, variables: dict[str, str]) -> list[str]:
    text = value.strip()
    if text.startswith("["):
        try:
            words = [str(word) for word in json.loads(text)]
        except (ValueError, TypeError):
            words = text.strip("[]").split(",")
    else:
        words = text.split()
    return [expand(word, variables).strip("\"'") for word in words[:-1]]


def _local_host(source: str) -> str | None:
    """The host of a URL when it is the grader's own machine (loopback, link-local, unspecified), by its address or
    by what its name resolves to here (`metadata.google.internal`, a name pointing at 127.0.0.1), else None."""
    if not _URL.match(source):
        return None
    try:
        host = (urlsplit(source).hostname or "").strip("[]").lower()
    except ValueError:
        return None
    if host in ("localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback") or host.endswith(".localhost"):
        return host
    try:
        addresses = [ipaddress.ip_address(_numeric(host))]
        named = False
    except ValueError:
        addresses, named = _resolved(host), True
    for address in addresses:
        if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
            address = address.ipv4_mapped
        if address.is_loopback or address.is_link_local or address.is_unspecified:
            return f"{host} ({address})" if named else host
    return None


def _resolved(host: str) -> list[ipaddress.IPv4Address | ipaddress.IPv6Address]:
    """The addresses `host` resolves to on this machine, as the engine beside it will resolve it; none when it does not
    resolve (the build then fails on its own). Resolved once: a name that changes its answer in between is not seen."""
    try:
        found = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError):
        return []
    addresses = []
    for *_, sockaddr in found:
        try:
            addresses.append(ipaddress.ip_address(str(sockaddr[0]).split("%", 1)[0]))
        except ValueError:
            continue
    return addresses


def _numeric(host: str) -> str:
    """`2130706433` and `0x7f.1` spell 127.0.0.1 for the engine's resolver too: read them as it does."""
    if re.fullmatch(r"\d+", host):
        return str(ipaddress.IPv4Address(int(host) & 0xFFFFFFFF))
    if re.fullmatch(r"(0x[0-9a-f]+|\d+)(\.(0x[0-9a-f]+|\d+)){1,3}", host) and not re.fullmatch(r"[\d.]+", host):
        parts = [int(part, 16) if part.startswith("0x") else int(part) for part in host.split(".")]
        if len(parts) == 4 and all(0 <= part < 256 for part in parts):
            return ".".join(map(str, parts))
    return host
