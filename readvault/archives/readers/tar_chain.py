"""Whether a plain tar is whole. libarchive ends quietly when a tar is cut exactly between two
members, so the headers are walked here (POSIX ustar: 512-byte blocks, a header's size field
says how many data blocks follow) up to the end-of-archive marker, a zeroed block."""

from __future__ import annotations

from typing import BinaryIO

from readvault.archives.errors import ArchiveRejected

BLOCK = 512
SIZE_FIELD = slice(124, 136)


def _member_size(header: bytes) -> int:
    field = header[SIZE_FIELD]
    if field[0] & 0x80:  # GNU base-256 for members of 8 GiB and over
        return int.from_bytes(field[1:], "big")
    digits = field.rstrip(b"\x00 ").lstrip(b" ")
    try:
        return int(digits or b"0", 8)
    except ValueError:
        raise ArchiveRejected(
            "The tar archive is corrupt: a member's size is not a number."
        ) from None


def check_tar_whole(archive: BinaryIO, size: int) -> None:
    position = 0
    while position + BLOCK <= size:
        archive.seek(position)
        header = archive.read(BLOCK)
        if header == bytes(BLOCK):
            return
        data_blocks = -(-_member_size(header) // BLOCK)
        position += BLOCK * (1 + data_blocks)
    raise ArchiveRejected(
        "The tar archive is truncated: it ends before its end-of-archive marker (an incomplete "
        "download or copy)."
    )
