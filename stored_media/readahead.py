"""Read-ahead for remote storage behind the gateway's slice cache.

nginx asks the origin for 1 MiB slices one after another, and each slice from a remote backend
costs at least one round trip (Telegram: 100-300 ms per getFile). Left alone, a cold read is
latency-bound. So when slice k is asked for, the next few slices are fetched in parallel into a
small, short-lived buffer of this process; when nginx asks for them they are already here.

Read-ahead starts with the second slice of a run (slice k asked right after slice k - 1): a
lone slice (a cold seek) is fetched alone, so the backend spends nothing on bytes nobody may
want while the viewer waits for that slice's first byte. A seek in a player is followed by
playback, which asks the next slice at once, and from there the next `depth` slices are kept
in flight.
"""

from __future__ import annotations

import asyncio
import time
import weakref
from collections import OrderedDict
from collections.abc import AsyncIterator

from stored_media.storage.base import StorageBackend

SLICE = 1024 * 1024  # must match `slice 1m` in deploy/nginx/gateway.conf.tmpl
ASKED_KEPT = 1024  # slices whose asking is remembered, to tell runs from seeks
# A slice asked within this many seconds after the one before it continues a run: nginx asks
# the next slice as soon as it has sent the last one, and a player filling its buffer reads
# on at once. Older marks (another viewer a while ago, a seek long past) start nothing.
RUN_GAP = 5.0


class SliceBuffer:
    """Slices being fetched or fetched, keyed by (object id, slice index), LRU-bounded."""

    def __init__(self, max_slices: int = 48, ttl: float = 30.0, depth: int = 4) -> None:
        self.max_slices = max_slices
        self.ttl = ttl
        self.depth = depth
        self._tasks: OrderedDict[tuple[int, int], tuple[float, asyncio.Task[bytes]]] = OrderedDict()
        self._asked: OrderedDict[tuple[int, int], float] = OrderedDict()  # slices nginx asked

    @staticmethod
    def is_slice_request(start: int, stop: int, size: int) -> bool:
        return start % SLICE == 0 and stop == min(start + SLICE, size)

    async def read(self, backend: StorageBackend, obj, start: int) -> AsyncIterator[bytes]:
        """Yield slice `start // SLICE` of `obj`, and start fetching the ones after it."""
        index = start // SLICE
        task = self._task(backend, obj, index)
        if self._in_a_run(obj.pk, index):
            last = (obj.size - 1) // SLICE
            for ahead in range(index + 1, min(index + self.depth, last) + 1):
                self._task(backend, obj, ahead)
        try:
            data = await asyncio.shield(task)
        except Exception:
            self._tasks.pop((obj.pk, index), None)  # a failed fetch is not kept
            raise
        yield data

    def _in_a_run(self, pk: int, index: int) -> bool:
        """Note that slice `index` was asked; say whether the one before it was, lately."""
        now = time.monotonic()
        self._asked[(pk, index)] = now
        self._asked.move_to_end((pk, index))
        while len(self._asked) > ASKED_KEPT:
            self._asked.popitem(last=False)
        before = self._asked.get((pk, index - 1))
        return before is not None and now - before < RUN_GAP

    def _task(self, backend: StorageBackend, obj, index: int) -> asyncio.Task[bytes]:
        key = (obj.pk, index)
        now = time.monotonic()
        found = self._tasks.get(key)
        if found and now - found[0] < self.ttl and not _failed(found[1]):
            self._tasks.move_to_end(key)
            return found[1]
        start = index * SLICE
        stop = min(start + SLICE, obj.size)
        task = asyncio.ensure_future(_fetch(backend, obj, start, stop))
        # A read-ahead nobody came for may fail unobserved; mark its error as seen.
        task.add_done_callback(lambda t: t.cancelled() or t.exception())
        self._tasks[key] = (now, task)
        self._evict()
        return task

    def _evict(self) -> None:
        while len(self._tasks) > self.max_slices:
            _key, (_when, task) = self._tasks.popitem(last=False)
            if not task.done():
                task.cancel()

    def clear(self) -> None:
        for _when, task in self._tasks.values():
            task.cancel()
        self._tasks.clear()
        self._asked.clear()


def _failed(task: asyncio.Task) -> bool:
    return task.done() and (task.cancelled() or task.exception() is not None)


async def _fetch(backend: StorageBackend, obj, start: int, stop: int) -> bytes:
    chunks = [c async for c in backend.read_range(obj.key, obj.part_list, start, stop, SLICE)]
    return b"".join(chunks)


_buffers: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, SliceBuffer] = (
    weakref.WeakKeyDictionary()
)


def slice_buffer() -> SliceBuffer:
    """The running event loop's buffer (tasks cannot be shared between loops)."""
    loop = asyncio.get_running_loop()
    if loop not in _buffers:
        _buffers[loop] = SliceBuffer()
    return _buffers[loop]
