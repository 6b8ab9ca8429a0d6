"""Put an MP4's index (`moov`) in front of its media data while copying it, hashing the copy.

ffmpeg's `-movflags +faststart` writes the file with `moov` last, then rewrites the whole
file once more to move it to the front. Doing that move here instead costs the same bytes
read and written, and the copy is hashed on a second thread as it is written: the sha256
that storage records needs no read of its own (for a 1 GB film that read was about half a
second, on the critical path of every ingest).

ISO/IEC 14496-12: `moov` > `trak` > `mdia` > `minf` > `stbl` holds the chunk offset table,
`stco` (32-bit) or `co64` (64-bit), absolute positions in the file. Moving `moov` in front of
`mdat` shifts every position in between by the size of `moov`. Anything else that could hold
an absolute position (fragments, encryption's `saio`, HEIF's `iloc`) makes the file
`NotRelocatable`, and the caller lets ffmpeg do the move instead.
"""

from __future__ import annotations

import hashlib
import os
import queue
import struct
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

CHUNK = 8 * 1024 * 1024
BUFFERS = 3
# Containers on the path from moov to the chunk offset tables.
_CONTAINERS = {b"moov", b"trak", b"mdia", b"minf", b"stbl"}
# Boxes holding absolute file positions that are not patched here.
_UNSUPPORTED = {b"saio", b"iloc", b"mvex", b"moof", b"mfra", b"sidx"}
_MAX_TOP_BOXES = 10_000


class NotRelocatable(Exception):
    """This file's layout is not one this module moves safely."""


@dataclass(frozen=True)
class Layout:
    """Where the top-level boxes that matter are, in bytes from the start of the file."""

    size: int
    first_mdat: int
    moov_start: int
    moov_end: int


def read_layout(path: Path) -> Layout:
    """The positions of the first `mdat` and of `moov`; `moov` must come after `mdat`."""
    with path.open("rb") as stream:
        size = stream.seek(0, os.SEEK_END)
        first_mdat = moov = None
        position = 0
        for _ in range(_MAX_TOP_BOXES):
            if position >= size:
                break
            stream.seek(position)
            kind, box_size, _ = _box_header(stream.read(16), size - position)
            if kind in _UNSUPPORTED:
                raise NotRelocatable(f"a top-level {kind.decode()} box")
            if kind == b"mdat" and first_mdat is None:
                first_mdat = position
            if kind == b"moov":
                if moov is not None:
                    raise NotRelocatable("two moov boxes")
                moov = (position, position + box_size)
            position += box_size
    if first_mdat is None or moov is None:
        raise NotRelocatable("no mdat or no moov")
    if moov[0] < first_mdat:
        raise NotRelocatable("moov is already first")
    return Layout(size, first_mdat, *moov)


def _box_header(header: bytes, room: int) -> tuple[bytes, int, int]:
    """(type, whole size, header size) of the box whose first bytes are `header`, with
    `room` bytes left in its parent (ISO/IEC 14496-12 §4.2: size 1 = 64-bit size follows,
    size 0 = to the end)."""
    if len(header) < 8:
        raise NotRelocatable("the file ends inside a box header")
    size, kind = struct.unpack(">I4s", header[:8])
    header_size = 8
    if size == 1:
        if len(header) < 16:
            raise NotRelocatable("the file ends inside a box header")
        (size,) = struct.unpack(">Q", header[8:16])
        header_size = 16
    elif size == 0:
        size = room
    if size < header_size or size > room:
        raise NotRelocatable(f"a {kind!r} box of impossible size {size}")
    return kind, size, header_size


def shifted_moov(moov: bytes, layout: Layout) -> bytes:
    """`moov` with every chunk offset into [first mdat, moov) moved on by moov's size.

    Pure: takes and returns bytes. A 32-bit offset pushed past 4 GiB would need the table
    rewritten as co64 (a bigger moov, so a different shift): NotRelocatable instead.
    """
    patched = bytearray(moov)
    shift = len(moov)
    for kind, start, end in _offset_tables(patched, 0, len(patched), depth=0):
        _shift_table(patched, kind, start, end, layout, shift)
    return bytes(patched)


def _offset_tables(data: bytearray, start: int, end: int, depth: int):
    """(type, body start, body end) of every stco/co64 under the containers in data[start:end]."""
    position = start
    while position < end:
        kind, size, header = _box_header(bytes(data[position : position + 16]), end - position)
        body_start, body_end = position + header, position + size
        if kind in _UNSUPPORTED:
            raise NotRelocatable(f"a {kind.decode()} box inside moov")
        if kind in {b"stco", b"co64"}:
            yield kind, body_start, body_end
        elif kind in _CONTAINERS and depth < 8:
            yield from _offset_tables(data, body_start, body_end, depth + 1)
        position = body_end


def _shift_table(data: bytearray, kind: bytes, start: int, end: int, layout: Layout, shift: int):
    width, code = (4, ">I") if kind == b"stco" else (8, ">Q")
    if end - start < 8:
        raise NotRelocatable(f"a truncated {kind.decode()} box")
    (count,) = struct.unpack(">I", data[start + 4 : start + 8])  # after version and flags
    if 8 + count * width > end - start:
        raise NotRelocatable(f"a {kind.decode()} box shorter than its entry count")
    for index in range(count):
        at = start + 8 + index * width
        (offset,) = struct.unpack(code, data[at : at + width])
        if layout.moov_start <= offset < layout.moov_end:
            raise NotRelocatable("a chunk offset points into moov")
        if layout.first_mdat <= offset < layout.moov_start:
            offset += shift
            if width == 4 and offset > 0xFFFFFFFF:
                raise NotRelocatable("a 32-bit chunk offset would pass 4 GiB")
            struct.pack_into(code, data, at, offset)


def write_moov_first(
    source: Path, output: Path, progress: Callable[[int, int], None] | None = None
) -> str:
    """Write `source` to `output` with moov moved in front of mdat; return the sha256 of
    what was written. Raises NotRelocatable (nothing written) when the layout is unusual."""
    layout = read_layout(source)
    with source.open("rb") as reader:
        reader.seek(layout.moov_start)
        moov = shifted_moov(reader.read(layout.moov_end - layout.moov_start), layout)
        pieces = [
            (0, layout.first_mdat),
            moov,
            (layout.first_mdat, layout.moov_start),
            (layout.moov_end, layout.size),
        ]
        with output.open("wb", buffering=0) as writer, _Hasher() as hasher:
            done = 0
            for piece in pieces:
                done = _copy_piece(reader, writer, hasher, piece, done, layout.size, progress)
    return hasher.hexdigest


def _copy_piece(reader, writer, hasher: _Hasher, piece, done: int, total: int, progress) -> int:
    if isinstance(piece, bytes):
        _write_all(writer, memoryview(piece))
        hasher.feed(piece)
        return done + len(piece)
    start, stop = piece
    reader.seek(start)
    remaining = stop - start
    while remaining > 0:
        buffer = hasher.free_buffer()
        count = reader.readinto(memoryview(buffer)[: min(CHUNK, remaining)])
        if not count:
            raise NotRelocatable("the file got shorter while it was copied")
        _write_all(writer, memoryview(buffer)[:count])
        hasher.feed(buffer, count)
        remaining -= count
        done += count
        if progress:
            progress(done, total)
    return done


def _write_all(writer, view: memoryview) -> None:
    while view:
        view = view[writer.write(view) :]


class _Hasher:
    """sha256 on its own thread over buffers handed to it in order, so hashing overlaps the
    copy's reads and writes (hashlib releases the GIL for large updates). A buffer returns to
    the free pool once hashed, so the copy never overwrites bytes not hashed yet."""

    def __init__(self) -> None:
        self._digest = hashlib.sha256()
        self._free: queue.Queue[bytearray] = queue.Queue()
        self._full: queue.Queue = queue.Queue()
        for _ in range(BUFFERS):
            self._free.put(bytearray(CHUNK))
        self._thread = threading.Thread(target=self._run, name="moov-first-sha256", daemon=True)
        self.hexdigest = ""

    def __enter__(self) -> _Hasher:
        self._thread.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self._full.put(None)
        self._thread.join()
        self.hexdigest = self._digest.hexdigest()

    def free_buffer(self) -> bytearray:
        return self._free.get()

    def feed(self, data: bytes | bytearray, count: int | None = None) -> None:
        self._full.put((data, len(data) if count is None else count))

    def _run(self) -> None:
        while (item := self._full.get()) is not None:
            data, count = item
            self._digest.update(memoryview(data)[:count])
            if isinstance(data, bytearray):
                self._free.put(data)
