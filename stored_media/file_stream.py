"""Streaming a range of a file on this machine's disk to a viewer (no gateway in front).

The event loop reads what the page cache holds itself: Linux's preadv2(RWF_NOWAIT) copies
cached pages or fails with EAGAIN at once, never waiting on the disk. Only a read the disk
must serve goes to a worker thread, whose hand-off (a queue, a thread wake-up and a loop
wake-up) costs far more than copying 64 KiB from the cache. Cached reads land in one
reused buffer of this thread and leave as one `bytes` copy (Django's response wants bytes).

The chunk size follows the viewer's pace: it starts at 64 KiB, the size of the message
Django's ASGI handler sends (a chunk of that size passes through it without being cut and
copied again), and doubles up to 1 MiB while the viewer takes each chunk at once, so a fast
reader costs fewer loop turns. A viewer who makes us wait (a full socket) drops back to the
smallest chunk, so many slow viewers hold little memory each.
"""

from __future__ import annotations

import asyncio
import errno
import os
import threading
from collections.abc import AsyncIterator
from pathlib import Path

from stored_media.storage.base import ObjectMissing

MIN_CHUNK = 64 * 1024  # django.core.handlers.asgi.ASGIHandler.chunk_size
MAX_CHUNK = 1024 * 1024
# A chunk taken back faster than this pace (bytes per second) means the viewer keeps up with
# us; slower means the socket was full and we waited for the viewer.
FAST_PACE = 200 * 1024 * 1024
# Grow only after the viewer took this much: the first megabytes vanish into socket buffers
# at once whatever the viewer's pace.
GROW_AFTER = 8 * 1024 * 1024

_NOWAIT = getattr(os, "RWF_NOWAIT", 0)
_local = threading.local()
_cached_reads_work = bool(_NOWAIT)  # False once the kernel or file system refuses the flag


class _Pace:
    """The next chunk size, from how fast the viewer took the previous ones."""

    def __init__(self) -> None:
        self.size = MIN_CHUNK
        self.sent = 0

    def taken(self, count: int, seconds: float) -> None:
        self.sent += count
        if seconds * FAST_PACE <= count:
            if self.sent >= GROW_AFTER:
                self.size = min(self.size * 2, MAX_CHUNK)
        else:
            self.size = MIN_CHUNK


def _buffer() -> bytearray:
    buffer = getattr(_local, "buffer", None)
    if buffer is None:
        buffer = _local.buffer = bytearray(MAX_CHUNK)
    return buffer


def _cached_read(fd: int, offset: int, size: int) -> bytes | None:
    """Up to `size` bytes at `offset` if the page cache holds them (at least their start),
    else None, without blocking."""
    global _cached_reads_work
    if not _cached_reads_work:
        return None
    view = memoryview(_buffer())[:size]
    try:
        count = os.preadv(fd, [view], offset, _NOWAIT)
    except BlockingIOError:
        return None
    except OSError as exc:
        if exc.errno not in (errno.EOPNOTSUPP, errno.EINVAL):
            raise
        _cached_reads_work = False  # this kernel or file system has no RWF_NOWAIT
        return None
    return bytes(view[:count]) if count else None


async def file_range(path: Path, start: int, stop: int) -> AsyncIterator[bytes]:
    """Yield bytes [start, stop) of the file at `path`."""
    try:
        fd = await asyncio.to_thread(os.open, path, os.O_RDONLY | os.O_CLOEXEC)
    except FileNotFoundError:
        raise ObjectMissing(f"local file {path.name!r} is missing") from None
    loop = asyncio.get_running_loop()
    pace = _Pace()
    position = start
    try:
        while position < stop:
            size = min(pace.size, stop - position)
            chunk = _cached_read(fd, position, size)
            if chunk is None:
                chunk = await asyncio.to_thread(os.pread, fd, size, position)
            if not chunk:
                raise ObjectMissing(f"local file {path.name!r} is shorter than recorded")
            position += len(chunk)
            handed = loop.time()
            yield chunk
            pace.taken(len(chunk), loop.time() - handed)
    finally:
        os.close(fd)
