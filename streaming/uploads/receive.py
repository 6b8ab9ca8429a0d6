"""Writing one PATCH of a tus upload to its file, in bounded reads.

The chunk goes from the request stream to the file 1 MiB at a time, never whole in memory.
A chunk with a checksum that does not match, or that ends early, is cut off again: the
file is truncated back to the offset the chunk started at (tus checksum extension: "the
server MUST discard the chunk"). A chunk without a checksum that ends early keeps what
arrived (tus core: "the server SHOULD store as much of the received data as possible").
"""

from __future__ import annotations

import errno
import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import BinaryIO

from streaming.uploads.protocol import CHECKSUM_MISMATCH, Checksum, ProtocolError

READ_BYTES = 1024 * 1024


@contextmanager
def locked(path) -> Iterator[BinaryIO]:
    """The upload's file, opened for writing and locked against a second PATCH at once
    (a client retrying while its first request is still being read). 423 if it is busy."""
    try:
        fd = os.open(path, os.O_RDWR)
    except FileNotFoundError:
        raise ProtocolError(404, "No such upload (its file is gone).") from None
    handle = os.fdopen(fd, "r+b")
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise ProtocolError(423, "Another request is writing this upload; retry.") from None
        yield handle
    finally:
        handle.close()  # closing releases the lock


def write_chunk(
    target: BinaryIO, stream, offset: int, length: int, checksum: Checksum | None
) -> int:
    """Write up to `length` bytes of `stream` at `offset`; the new offset."""
    target.truncate(offset)  # bytes past the offset were never counted (a crash mid-write)
    target.seek(offset)
    hasher = checksum.new_hash() if checksum else None
    received = 0
    try:
        while received < length:
            data = _read(stream, min(READ_BYTES, length - received))
            if not data:
                break
            target.write(data)
            received += len(data)
            if hasher:
                hasher.update(data)
        target.flush()
        # The row's offset is written after this: it must never count bytes not on disk.
        os.fsync(target.fileno())
    except OSError as error:
        _discard(target, offset)
        if error.errno in (errno.ENOSPC, errno.EDQUOT):
            raise ProtocolError(507, "The upload disk is full; the chunk was not kept.") from None
        raise
    if hasher and received < length:
        _discard(target, offset)
        raise ProtocolError(400, "The chunk ended before its Content-Length; it was not kept.")
    if hasher and checksum and hasher.digest() != checksum.digest:
        _discard(target, offset)
        raise ProtocolError(CHECKSUM_MISMATCH, "Checksum mismatch: the chunk was not kept.")
    return offset + received


def _read(stream, size: int) -> bytes:
    # A client that goes away mid-chunk ends the chunk (WSGI servers raise an OSError, or
    # Django's UnreadablePostError, which is one), not the request with a 500.
    try:
        return stream.read(size)
    except OSError:
        return b""


def _discard(target: BinaryIO, offset: int) -> None:
    target.truncate(offset)
    target.flush()
