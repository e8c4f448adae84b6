"""What comes over the wire from the engine, read without the SDK's help: a build's open connection (its events,
its sockets, the engine's clock), an exec's multiplexed output, an archive's tar headers, the engine's times."""

from __future__ import annotations

import datetime
import email.utils
import io
import re
import socket
import tarfile
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any, Literal

from .session_types import ArchiveEntry


@dataclass(frozen=True)
class BuildEvent:
    kind: Literal["output", "image", "error"]
    text: str  # the output as it came, the image id, or the error's message


class BuildStream:
    """One build's open connection: its events, the engine's clock when it started, a deadline and a way out."""

    def __init__(self, events: Iterator[BuildEvent], response: Any) -> None:
        self._events = events
        self._response = response
        self._sockets = sockets_of(response)
        try:
            self.started: float | None = email.utils.parsedate_to_datetime(response.headers["Date"]).timestamp()
        except (AttributeError, KeyError, TypeError, ValueError):
            self.started = None

    def events(self) -> Iterator[BuildEvent]:
        """The build's events; a broken connection raises StreamBroken, the engine's refusal BuildRefused."""
        return self._events

    def set_deadline(self, seconds: float) -> None:
        """No read of the stream may wait longer than `seconds` from now."""
        for sock in self._sockets:
            sock.settimeout(seconds)

    def shut(self) -> None:
        """Shut the connection down: the engine cancels a build whose client went away (a step blocked writing its
        log to us is freed)."""
        for sock in self._sockets:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def close(self) -> None:
        self._response.close()


def sockets_of(response: Any) -> list[Any]:
    """The socket objects under a streaming `requests` response, whatever the transport (unix, tcp, tls)."""
    found: list[Any] = []
    raw = getattr(response, "raw", None)
    connection = getattr(raw, "_connection", None)
    fp = getattr(getattr(raw, "_fp", None), "fp", None)
    inner = getattr(fp, "raw", None)
    candidates = [getattr(connection, "sock", None), getattr(inner, "_sock", None), getattr(inner, "sock", None)]
    for candidate in candidates:
        if candidate is not None and hasattr(candidate, "settimeout") and candidate not in found:
            found.append(candidate)
    return found


def read_multiplexed(sock: Any, deadline: float, limit: int = 65536) -> str:
    """The stdout+stderr of an exec's attached socket (Docker's 8-byte frame headers removed), up to `limit`."""
    buffer = b""
    try:
        while time.monotonic() < deadline and len(buffer) < limit + 8:
            sock.settimeout(max(0.01, deadline - time.monotonic()))
            chunk = sock.recv(65536)
            if not chunk:
                break
            buffer += chunk
    except (TimeoutError, OSError):
        pass
    output = bytearray()
    position = 0
    while position + 8 <= len(buffer):
        size = int.from_bytes(buffer[position + 4: position + 8], "big")
        output += buffer[position + 8: position + 8 + size]
        position += 8 + size
    return bytes(output[:limit]).decode("utf-8", "replace")


def archive_entries(chunks: Iterable[bytes], limit: int) -> list[ArchiveEntry]:
    """The first `limit` entries under the folder a tar stream holds (the folder itself left out); tarfile.TarError
    when it is no tar stream."""
    entries: list[ArchiveEntry] = []
    with tarfile.open(fileobj=_ChunkReader(chunks), mode="r|") as archive:
        for member in archive:
            parts = member.name.split("/", 1)
            if len(parts) < 2 or not parts[1]:
                continue  # the directory itself
            kind: Literal["file", "dir", "link", "other"] = "file" if member.isfile() else \
                "dir" if member.isdir() else "link" if member.issym() or member.islnk() else "other"
            entries.append(ArchiveEntry(parts[1], kind, member.size))
            if len(entries) >= limit:
                break
    return entries


def engine_time(value: Any) -> float | None:
    """A time the engine gave (epoch seconds, or RFC 3339 with nanoseconds) as epoch seconds; None if neither."""
    if isinstance(value, (int, float)):
        return float(value)
    if not isinstance(value, str) or not value:
        return None
    # microseconds, six digits exactly: the engine trims trailing zeros, and Python 3.10 reads only 3 or 6 digits
    cleaned = re.sub(r"\.(\d+)", lambda digits: "." + digits.group(1)[:6].ljust(6, "0"), value.replace("Z", "+00:00"))
    try:
        return datetime.datetime.fromisoformat(cleaned).timestamp()
    except ValueError:
        return None


class _ChunkReader(io.RawIOBase):
    """A file-like view of an iterable of byte chunks (for tarfile's stream mode)."""

    def __init__(self, chunks: Iterable[bytes]) -> None:
        self._chunks = iter(chunks)
        self._pending = b""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        while not self._pending:
            try:
                self._pending = next(self._chunks)
            except StopIteration:
                return 0
        size = min(len(buffer), len(self._pending))
        buffer[:size] = self._pending[:size]
        self._pending = self._pending[size:]
        return size
