"""Streaming a local file to a viewer: exact bytes by either read path, chunks that follow the
viewer's pace, and the backend's errors for a missing or short file."""

from __future__ import annotations

import asyncio
import random

import pytest

from stored_media import file_stream
from stored_media.file_stream import GROW_AFTER, MAX_CHUNK, MIN_CHUNK, PIECE, file_range
from stored_media.storage.base import ObjectMissing

BODY = random.Random(13).randbytes(3 * GROW_AFTER + 4321)


@pytest.fixture
def stored(tmp_path):
    path = tmp_path / "film.mp4"
    path.write_bytes(BODY)
    return path


async def take(path, start, stop, pause: float = 0.0) -> list[bytes]:
    chunks = []
    async for chunk in file_range(path, start, stop):
        chunks.append(chunk)
        if pause:
            await asyncio.sleep(pause)
    return chunks


@pytest.mark.parametrize("cached_reads", [True, False])
@pytest.mark.parametrize(
    ("start", "stop"), [(0, len(BODY)), (1, 2), (MIN_CHUNK - 1, 5 * MIN_CHUNK + 7)]
)
def test_a_range_comes_back_exact_from_the_page_cache_or_a_thread(
    stored, monkeypatch, cached_reads, start, stop
):
    if not cached_reads:
        monkeypatch.setattr(file_stream, "_cached_reads_work", False)

    assert b"".join(asyncio.run(take(stored, start, stop))) == BODY[start:stop]


def test_the_page_cache_path_is_taken_where_the_kernel_has_it(stored, monkeypatch):
    handed_to_threads = []
    real_to_thread = asyncio.to_thread

    async def counting(function, *args):
        handed_to_threads.append(function.__name__)
        return await real_to_thread(function, *args)

    monkeypatch.setattr(file_stream.asyncio, "to_thread", counting)
    asyncio.run(take(stored, 0, len(BODY)))  # the file was just written: its pages are cached

    assert "preadv" not in handed_to_threads


def test_a_fast_reader_gets_bigger_reads_up_to_the_cap_in_pieces_django_sends_as_they_are(
    stored, monkeypatch
):
    reads = []
    real_read = file_stream._cached_read

    def recording(fd, offset, view):
        reads.append(len(view))
        return real_read(fd, offset, view)

    monkeypatch.setattr(file_stream, "_cached_read", recording)
    pieces = [len(chunk) for chunk in asyncio.run(take(stored, 0, len(BODY)))]

    assert max(pieces) == PIECE
    assert reads[0] == MIN_CHUNK
    assert max(reads) == MAX_CHUNK
    read_at_min = sum(size for size in reads if size == MIN_CHUNK)
    assert read_at_min >= GROW_AFTER  # no growth before the socket buffers are past


def test_a_reader_who_makes_us_wait_drops_back_to_the_smallest_chunk():
    pace = file_stream._Pace()
    pace.taken(GROW_AFTER - MIN_CHUNK, 0.0)
    assert pace.size == MIN_CHUNK  # not before the socket buffers are past
    pace.taken(MIN_CHUNK, 0.0)
    assert pace.size == 2 * MIN_CHUNK

    pace.taken(2 * MIN_CHUNK, 0.5)  # 256 KiB/s: the viewer's socket was full

    assert pace.size == MIN_CHUNK


def test_a_missing_file_is_a_missing_object(tmp_path):
    with pytest.raises(ObjectMissing):
        asyncio.run(take(tmp_path / "gone.mp4", 0, 10))


def test_a_file_shorter_than_recorded_is_a_missing_object(stored):
    with pytest.raises(ObjectMissing):
        asyncio.run(take(stored, 0, len(BODY) + 10))
