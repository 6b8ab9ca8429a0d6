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

Rule 4 means every 1 MiB chunk the range touches costs at least one request, so the plan
sends exactly one request per touched chunk: the fewest possible. Inside a chunk it asks for
the smallest window that covers the wanted bytes: chunks wholly inside the range get 1 MiB
(nginx asks for 1 MiB slices aligned to 1 MiB, so that is the common case and wastes nothing),
the first and last chunks get a smaller window when one covers the wanted bytes. Smaller
windows never add requests, they only cut the bytes fetched and thrown away.

Each window's offset is a multiple of its limit ("naturally aligned"), which is stricter than
the rules above but is the form Telethon's own downloader sends; it makes rule 4 hold by
construction. The price: wanted bytes that straddle an alignment line (say 8 KiB around the
512 KiB mark) get a wider window, never more than 1 MiB and never an extra round trip.

Telegram answers a request that runs past the end of the document with the bytes that exist
(a short read), so the plan clamps `stop` to the document's size and never asks for an
offset at or past the end.
"""

from __future__ import annotations

from dataclasses import dataclass

PAGE = 4 * 1024  # Telegram: offset and limit are multiples of 4 KiB
CHUNK = 1024 * 1024  # Telegram: limit divides 1 MiB; no request crosses a 1 MiB boundary


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
    requests = []
    position = start
    while position < stop:
        chunk_end = (position // CHUNK + 1) * CHUNK
        wanted_stop = min(stop, chunk_end)
        offset, limit = _window(position, wanted_stop)
        requests.append(
            FileRequest(offset, limit, skip=position - offset, keep=wanted_stop - position)
        )
        position = wanted_stop
    return requests


def _window(lo: int, hi: int) -> tuple[int, int]:
    """The smallest naturally aligned legal window covering [lo, hi), which lies inside one
    1 MiB chunk. Doubling from 4 KiB stops at 1 MiB at the latest, because bytes in one
    chunk always share their 1 MiB-aligned window."""
    limit = PAGE
    while lo // limit != (hi - 1) // limit:
        limit *= 2
    return lo // limit * limit, limit
