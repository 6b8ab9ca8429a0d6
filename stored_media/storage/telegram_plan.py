"""Which `upload.getFile` requests fetch bytes [start, stop) of one Telegram document.

Pure: no I/O, no Telethon. The backend sends the requests and trims each answer with
`skip` and `keep`; the trimmed answers, concatenated in order, are exactly the wanted bytes.

Telegram's rules for getFile without the `precise` flag (https://core.telegram.org/api/files,
"Downloading files"):

1. `offset` is divisible by 4 KiB;
2. `limit` is divisible by 4 KiB;
3. 1 MiB (1048576) is divisible by `limit`, so `limit` is 4 KiB, 8 KiB, ... or 1 MiB;
4. a request stays inside one 1 MiB chunk of the file:
   offset // 1 MiB == (offset + limit - 1) // 1 MiB.

Rule 4 means every 1 MiB chunk the range touches costs at least one request. Inside a chunk
the plan asks for the smallest legal window that covers the wanted bytes: chunks wholly inside
the range get 1 MiB (nginx asks for 1 MiB slices aligned to 1 MiB, so that is the common case
and wastes nothing), a partial chunk a smaller window. Nothing in the rules asks a window to
start at a multiple of its own size, so the window starts at the 4 KiB line below the wanted
bytes (or earlier, to end at the chunk's end): 300 KiB around the 512 KiB mark cost a
512 KiB window, not the whole 1 MiB chunk a naturally aligned window would need.

Windows come in powers of two, so one window may still fetch up to half again what is wanted
(a 300 KiB comic page costs a 512 KiB window). When one window would fetch more than
MAX_WASTE bytes nobody asked for, the chunk's bytes are asked in a few windows instead
(256 KiB + 64 KiB for that page), which the backend sends concurrently: a page from a chapter
archive then costs its own size plus at most MAX_WASTE + 4 KiB.

Telegram answers a request that runs past the end of the document with the bytes that exist
(a short read), so the plan clamps `stop` to the document's size and never asks for an
offset at or past the end.
"""

from __future__ import annotations

from dataclasses import dataclass

PAGE = 4 * 1024  # Telegram: offset and limit are multiples of 4 KiB
CHUNK = 1024 * 1024  # Telegram: limit divides 1 MiB; no request crosses a 1 MiB boundary
# Unwanted bytes one chunk's requests may fetch before the plan splits it into more requests.
MAX_WASTE = 64 * 1024


@dataclass(frozen=True, slots=True)
class FileRequest:
    """One getFile call: ask for `limit` bytes at `offset`, drop the first `skip` bytes of the
    answer and keep the next `keep` bytes."""

    offset: int
    limit: int
    skip: int
    keep: int


def is_legal(offset: int, limit: int) -> bool:
    """Whether Telegram accepts this offset and limit (non-precise getFile)."""
    return (
        offset >= 0
        and 0 < limit <= CHUNK
        and offset % PAGE == 0
        and limit % PAGE == 0
        and CHUNK % limit == 0
        and offset // CHUNK == (offset + limit - 1) // CHUNK
    )


def plan_get_file(start: int, stop: int, part_size: int) -> list[FileRequest]:
    """The getFile requests that fetch bytes [start, stop) of a document of `part_size` bytes
    (one stored part is one document). An empty range, or one past the end, needs none."""
    if start < 0 or stop < 0 or part_size < 0:
        raise ValueError("start, stop and part_size must not be negative")
    stop = min(stop, part_size)
    requests: list[FileRequest] = []
    position = start
    while position < stop:
        chunk_end = (position // CHUNK + 1) * CHUNK
        wanted_stop = min(stop, chunk_end)
        requests += _chunk_requests(position, wanted_stop, part_size)
        position = wanted_stop
    return requests


def _chunk_requests(lo: int, hi: int, part_size: int) -> list[FileRequest]:
    """Requests for [lo, hi), which lies inside one 1 MiB chunk: one window, or a few when
    one would fetch more than MAX_WASTE unwanted bytes."""
    requests = []
    position = lo // PAGE * PAGE
    while position < hi:
        first = max(lo, position)  # bytes before `position` are in the previous request
        offset, limit = _window(position, hi)
        if _waste(offset, limit, first, hi, part_size) > MAX_WASTE:
            offset, limit = position, _largest_power_of_two_at_most(hi - position)
        last = min(hi, offset + limit)
        requests.append(FileRequest(offset, limit, skip=first - offset, keep=last - first))
        position = offset + limit
    return requests


def _window(lo: int, hi: int) -> tuple[int, int]:
    """The smallest legal window covering [lo, hi) (inside one chunk, `lo` on a 4 KiB line):
    it starts at `lo`, or earlier when it would otherwise cross the chunk's end."""
    limit = PAGE
    while limit < hi - lo:
        limit *= 2
    chunk_end = (lo // CHUNK + 1) * CHUNK
    return min(lo, chunk_end - limit), limit


def _waste(offset: int, limit: int, first: int, hi: int, part_size: int) -> int:
    """Bytes the window fetches besides [first, hi) (Telegram sends none past the end)."""
    fetched = min(offset + limit, part_size) - offset
    return fetched - (min(hi, offset + limit) - first)


def _largest_power_of_two_at_most(span: int) -> int:
    limit = PAGE
    while limit * 2 <= span:
        limit *= 2
    return limit
