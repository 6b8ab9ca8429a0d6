"""Streaming a range of a file on this machine's disk to a viewer (no gateway in front).

The event loop reads what the page cache holds itself: Linux's preadv2(RWF_NOWAIT) copies
cached pages or fails with EAGAIN at once, never waiting on the disk. Only a read the disk
must serve goes to a worker thread, whose hand-off (a queue, a thread wake-up and a loop
wake-up) costs far more than copying 64 KiB from the cache.

Each read fills the response's own buffer, reused from read to read, and leaves in pieces of
64 KiB, each one `bytes` copy: Django's ASGI handler sends 64 KiB messages, and passes a piece
of that size on as it is, where it would cut (and copy) a bigger one.

The read size follows the viewer's pace: it starts at 64 KiB and doubles up to 1 MiB while the
viewer takes each read at once, so a fast reader costs fewer system calls and hand-offs. A
viewer who makes us wait (a full socket) drops back to 64 KiB, so many slow viewers hold
little memory each (their buffer shrinks with their reads).
"""

from __future__ import annotations

import asyncio
import errno
import os
from collections.abc import AsyncIterator
from pathlib import Path

from stored_media.storage.base import ObjectMissing

PIECE = 64 * 1024  # django.core.handlers.asgi.ASGIHandler.chunk_size
MIN_CHUNK = PIECE
MAX_CHUNK = 1024 * 1024
# A chunk taken back faster than this pace (bytes per second) means the viewer keeps up with
# us; slower means the socket was full and we waited for the viewer.
FAST_PACE = 200 * 1024 * 1024
# Grow only after the viewer took this much: the first megabytes vanish into socket buffers
# at once whatever the viewer's pace.
GROW_AFTER = 8 * 1024 * 1024

_NOWAIT = getattr(os, "RWF_NOWAIT", 0)
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


def _cached_read(fd: int, offset: int, view: memoryview) -> int | None:
    """Fill `view` from `offset` as far as the page cache holds the bytes (at least the
    first of them), without blocking: the count read, or None."""
    global _cached_reads_work
    if not _cached_reads_work:
        return None
    try:
        return os.preadv(fd, [view], offset, _NOWAIT) or None
    except BlockingIOError:
        return None
    except OSError as exc:
        if exc.errno not in (errno.EOPNOTSUPP, errno.EINVAL):
            raise
        _cached_reads_work = False  # this kernel or file system has no RWF_NOWAIT
        return None


async def file_range(path: Path, start: int, stop: int, piece: int = PIECE) -> AsyncIterator[bytes]:
    """Yield bytes [start, stop) of the file at `path`, in pieces of at most `piece`."""
    piece = min(piece, PIECE)
    try:
        fd = await asyncio.to_thread(os.open, path, os.O_RDONLY | os.O_CLOEXEC)
    except FileNotFoundError:
        raise ObjectMissing(f"local file {path.name!r} is missing") from None
    loop = asyncio.get_running_loop()
    pace = _Pace()
    buffer = bytearray()
    position = start
    try:
        while position < stop:
            if len(buffer) != pace.size:
                buffer = bytearray(pace.size)
            view = memoryview(buffer)[: min(pace.size, stop - position)]
            count = _cached_read(fd, position, view)
            if count is None:
                count = await asyncio.to_thread(os.preadv, fd, [view], position)
            if not count:
                raise ObjectMissing(f"local file {path.name!r} is shorter than recorded")
            position += count
            handed = loop.time()
            for begin in range(0, count, piece):
                yield bytes(view[begin : min(begin + piece, count)])
            pace.taken(count, loop.time() - handed)
    finally:
        os.close(fd)
