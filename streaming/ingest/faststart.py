"""Is an MP4's index (`moov`) before its media data (`mdat`)? Then a browser can start at once.

ISO/IEC 14496-12 §4.2: a file is a sequence of boxes, each starting with a 32-bit big-endian
size (header included) and a four-character type; size 1 means a 64-bit size follows the
type, size 0 means the box runs to the end of the file. Only top-level headers are read, by
seeking over each box's body, so even a 50 GB file costs a few small reads.
"""

from __future__ import annotations

import os
import struct
from pathlib import Path
from typing import BinaryIO

# Boxes an ISO-BMFF or QuickTime file may start with (QuickTime files need no `ftyp`).
_FIRST_BOXES = {b"ftyp", b"styp", b"moov", b"mdat", b"free", b"skip", b"wide", b"pnot", b"uuid"}
# A real file has a handful of top-level boxes; past this many it is garbage or fragments.
_MAX_BOXES = 10_000


def is_faststart(source: Path | BinaryIO) -> bool | None:
    """True if `moov` comes before `mdat`, False if after, None if this is not an MP4/MOV."""
    if isinstance(source, (str, os.PathLike)):
        with open(source, "rb") as stream:
            return moov_before_mdat(stream)
    return moov_before_mdat(source)


def moov_before_mdat(stream: BinaryIO) -> bool | None:
    end = stream.seek(0, os.SEEK_END)
    position = stream.seek(0)
    for count in range(_MAX_BOXES):
        header = stream.read(8)
        if len(header) < 8:
            return None
        size, kind = struct.unpack(">I4s", header)
        if not _is_box_type(kind) or (count == 0 and kind not in _FIRST_BOXES):
            return None
        if kind == b"moov":
            return True
        if kind == b"mdat":
            return False
        header_size = 8
        if size == 1:
            large = stream.read(8)
            if len(large) < 8:
                return None
            (size,) = struct.unpack(">Q", large)
            header_size = 16
        if size == 0:
            return None  # the last box, and it was neither moov nor mdat
        if size < header_size or position + size > end:
            return None  # garbage, or a file cut short before moov or mdat
        position += size
        stream.seek(position)
    return None


def _is_box_type(kind: bytes) -> bool:
    # Four printable characters; Apple's © (0xA9) appears only inside `udta`, never on top.
    return all(0x20 <= byte <= 0x7E for byte in kind)
