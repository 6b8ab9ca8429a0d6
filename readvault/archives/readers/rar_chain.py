"""Whether a RAR archive is whole. libarchive stops quietly when a RAR is cut between two
headers (it reads as a shorter archive), so the chain of blocks is walked here: each header
gives its own size and its data's size (RARLAB's RAR 5.0 technote; TECHNOTE.TXT for RAR 2.9/3.x),
and a whole archive ends with its end-of-archive block."""

from __future__ import annotations

import struct
from typing import BinaryIO

from readvault.archives.errors import ArchiveRejected

RAR5_SIGNATURE = b"Rar!\x1a\x07\x01\x00"
RAR4_SIGNATURE = b"Rar!\x1a\x07\x00"
RAR5_END = 5
RAR4_END = 0x7B
RAR4_FILE = 0x74
LONG_BLOCK = 0x8000  # RAR 4: a 32-bit ADD_SIZE (for files, PACK_SIZE) follows the header
LARGE = 0x0100  # RAR 4 file header: HIGH_PACK_SIZE present
_VINT_MAX = 10


def _truncated() -> ArchiveRejected:
    return ArchiveRejected(
        "The RAR archive is truncated: it ends before its end-of-archive block (an incomplete "
        "download or copy; or it was made with rar -en, which leaves the block out: re-pack it)."
    )


def check_rar_whole(archive: BinaryIO, size: int) -> None:
    signature = archive.read(len(RAR5_SIGNATURE))
    if signature == RAR5_SIGNATURE:
        _walk_rar5(archive, size)
    elif signature.startswith(RAR4_SIGNATURE):
        _walk_rar4(archive, size)


def _vint(data: bytes, position: int) -> tuple[int, int]:
    value = 0
    for shift in range(_VINT_MAX):
        if position + shift >= len(data):
            raise _truncated()
        byte = data[position + shift]
        value |= (byte & 0x7F) << (7 * shift)
        if not byte & 0x80:
            return value, position + shift + 1
    raise ArchiveRejected("The RAR archive is corrupt: a header size does not end.")


def _walk_rar5(archive: BinaryIO, size: int) -> None:
    position = len(RAR5_SIGNATURE)
    while position < size:
        archive.seek(position + 4)  # past the header's CRC32
        head = archive.read(3)
        header_size, header_start = _vint(head, 0)
        archive.seek(position + 4 + header_start)
        header = archive.read(header_size)
        if len(header) < header_size:
            raise _truncated()
        kind, at = _vint(header, 0)
        flags, at = _vint(header, at)
        data_size = 0
        if flags & 0x0001:  # extra area size present
            _, at = _vint(header, at)
        if flags & 0x0002:  # data area present
            data_size, at = _vint(header, at)
        if kind == RAR5_END:
            return
        position += 4 + header_start + header_size + data_size
    raise _truncated()


def _walk_rar4(archive: BinaryIO, size: int) -> None:
    position = len(RAR4_SIGNATURE)
    while position < size:
        archive.seek(position)
        header = archive.read(7 + 4 + 25)
        if len(header) < 7:
            raise _truncated()
        kind, flags, header_size = struct.unpack_from("<BHH", header, 2)
        if kind == RAR4_END:
            return
        if header_size < 7:
            raise ArchiveRejected("The RAR archive is corrupt: a header claims to be empty.")
        added = 0
        if flags & LONG_BLOCK and len(header) >= 11:
            added = struct.unpack_from("<I", header, 7)[0]
        if kind == RAR4_FILE and flags & LARGE and len(header) >= 36:
            added |= struct.unpack_from("<I", header, 32)[0] << 32
        position += header_size + added
    # Strict, though `rar -en` leaves the block out: a download cut between two members would
    # otherwise become a chapter silently missing its last pages.
    raise _truncated()
