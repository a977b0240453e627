"""Messages between the grader and the student's process: length-prefixed bytes on pipes.

The grader's side never blocks past a deadline, whatever the other side does (writes half a
message and hangs, stops reading, sends gigabytes): every read and write waits with
`select` and gives up at the deadline or past `max_bytes`.
"""

from __future__ import annotations

import os
import select
import struct
import time

_LENGTH = struct.Struct(">Q")


class WireError(Exception):
    """The other side closed the pipe, broke the framing, or sent too much."""


class WireTimeout(WireError):
    """The deadline passed before the message was through."""


def _wait(fd: int, deadline: float | None, for_writing: bool) -> None:
    while True:
        remaining = None if deadline is None else deadline - time.monotonic()
        if remaining is not None and remaining <= 0:
            raise WireTimeout("deadline passed")
        readable, writable, _ = select.select(
            [] if for_writing else [fd], [fd] if for_writing else [], [], remaining
        )
        if writable or readable:
            return


def send(fd: int, payload: bytes, deadline: float | None = None) -> None:
    """Writes one message to a non-blocking pipe `fd` before `deadline` (`time.monotonic`)."""
    data = memoryview(_LENGTH.pack(len(payload)) + payload)
    while data:
        _wait(fd, deadline, for_writing=True)
        try:
            written = os.write(fd, data[: 1 << 20])
        except BlockingIOError:
            continue
        except (BrokenPipeError, OSError) as error:
            raise WireError(f"the pipe closed: {error}") from error
        data = data[written:]


def _read_exactly(fd: int, n: int, deadline: float | None) -> bytes:
    chunks = []
    while n:
        _wait(fd, deadline, for_writing=False)
        try:
            chunk = os.read(fd, min(n, 1 << 20))
        except BlockingIOError:
            continue
        if not chunk:
            raise WireError("the pipe closed")
        chunks.append(chunk)
        n -= len(chunk)
    return b"".join(chunks)


def receive(fd: int, deadline: float | None = None, max_bytes: int = 1 << 28) -> bytes:
    """Reads one message from a non-blocking pipe `fd` before `deadline`.

    **Raises:** `WireTimeout` at the deadline, `WireError` when the pipe closes or the
    message is longer than `max_bytes`.
    """
    (length,) = _LENGTH.unpack(_read_exactly(fd, _LENGTH.size, deadline))
    if length > max_bytes:
        raise WireError(f"a message of {length} bytes, more than the {max_bytes} allowed")
    return _read_exactly(fd, length, deadline)


def send_blocking(fd: int, payload: bytes) -> None:
    """The student process's side: a plain blocking write of one message."""
    data = memoryview(_LENGTH.pack(len(payload)) + payload)
    while data:
        data = data[os.write(fd, data) :]


def receive_blocking(fd: int) -> bytes:
    """The student process's side: a plain blocking read of one message."""
    (length,) = _LENGTH.unpack(_read_exactly(fd, _LENGTH.size, None))
    return _read_exactly(fd, length, None)
