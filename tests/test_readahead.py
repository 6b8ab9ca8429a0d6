"""Read-ahead: a cold sequential read of a remote object is not one round trip per slice."""

from __future__ import annotations

import asyncio
import random
from types import SimpleNamespace

import pytest

from stored_media.readahead import SLICE, SliceBuffer
from stored_media.storage.base import BackendUnavailable, Part, StorageBackend

LATENCY = 0.05
SIZE = 8 * SLICE + 123
BODY = random.Random(9).randbytes(SIZE)
OBJ = SimpleNamespace(pk=1, key="k", size=SIZE, part_list=[Part(SIZE)])


class RemoteDouble(StorageBackend):
    """Every read costs one round trip, like a getFile or a ranged GET."""

    name = "remote"

    def __init__(self, fail_first: int = 0) -> None:
        self.reads = 0
        self.fail_first = fail_first
        self.in_flight = 0
        self.most_in_flight = 0

    def save(self, source, key, progress=None):
        raise NotImplementedError

    def delete(self, key, parts):
        pass

    async def read_part(self, key, part, start, stop, chunk_size):
        self.reads += 1
        attempt = self.reads
        self.in_flight += 1
        self.most_in_flight = max(self.most_in_flight, self.in_flight)
        await asyncio.sleep(LATENCY)
        self.in_flight -= 1
        if attempt <= self.fail_first:
            raise BackendUnavailable("timed out")
        yield BODY[start:stop]


async def read_slices(buffer: SliceBuffer, backend: StorageBackend, count: int) -> list[bytes]:
    return [
        b"".join([chunk async for chunk in buffer.read(backend, OBJ, index * SLICE)])
        for index in range(count)
    ]


def test_slices_come_back_exact_with_round_trips_overlapping():
    backend = RemoteDouble()

    slices = asyncio.run(read_slices(SliceBuffer(depth=4), backend, 9))

    assert b"".join(slices) == BODY
    assert backend.reads == 9  # every slice fetched once, none twice
    assert backend.most_in_flight >= 3, "read-ahead did not overlap the round trips"


def test_a_lone_slice_is_fetched_alone_and_the_next_one_starts_the_read_ahead():
    async def scenario():
        buffer, backend = SliceBuffer(depth=4), RemoteDouble()
        seek = b"".join([c async for c in buffer.read(backend, OBJ, 5 * SLICE)])
        alone = backend.reads
        following = b"".join([c async for c in buffer.read(backend, OBJ, 6 * SLICE)])
        return seek + following, alone, backend.reads

    body, after_the_seek, after_the_next = asyncio.run(scenario())

    assert body == BODY[5 * SLICE : 7 * SLICE]
    assert after_the_seek == 1, "a cold seek's slice waited for read-ahead fetches"
    assert after_the_next == 4  # then slice 6, and 7 and 8 ahead (the object ends at 8)


def test_a_failed_fetch_is_not_kept_and_the_next_ask_retries():
    async def scenario():
        buffer = SliceBuffer(depth=1)
        backend = RemoteDouble(fail_first=1)
        with pytest.raises(BackendUnavailable):
            await read_slices(buffer, backend, 1)
        return await read_slices(buffer, backend, 1)

    assert asyncio.run(scenario()) == [BODY[:SLICE]]


def test_the_buffer_holds_a_bounded_number_of_slices():
    async def scenario():
        buffer = SliceBuffer(max_slices=3, depth=2)
        await read_slices(buffer, RemoteDouble(), 8)
        return len(buffer._tasks)

    assert asyncio.run(scenario()) <= 3


@pytest.mark.parametrize(
    ("start", "stop", "expected"),
    [
        (0, SLICE, True),
        (SLICE, 2 * SLICE, True),
        (8 * SLICE, SIZE, True),
        (1, SLICE, False),
        (0, SLICE - 1, False),
        (0, 2 * SLICE, False),
    ],
)
def test_only_whole_aligned_slices_use_the_buffer(start, stop, expected):
    assert SliceBuffer.is_slice_request(start, stop, SIZE) is expected


def test_a_slice_asked_long_after_the_one_before_is_a_lone_seek(monkeypatch):
    monkeypatch.setattr("stored_media.readahead.RUN_GAP", 0.0)  # every earlier ask is old

    async def scenario():
        buffer, backend = SliceBuffer(depth=4), RemoteDouble()
        await read_slices(buffer, backend, 2)  # slices 0 and 1
        return backend.reads

    assert asyncio.run(scenario()) == 2  # no read-ahead: slice 0 was asked too long ago
