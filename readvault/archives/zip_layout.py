"""Where a ZIP member's data sits in the file, and the ZIP directory's checks.

APPNOTE 4.3.7: a local file header is 30 fixed bytes, then the name and an extra field whose
lengths may differ from the central directory's copy, so the data offset is read from the local
header itself.
"""

from __future__ import annotations

import stat
import struct
import zipfile
from dataclasses import dataclass
from typing import BinaryIO

from readvault.archives import member_names
from readvault.archives.errors import ArchiveRejected
from readvault.archives.limits import Limits
from readvault.archives.source_pages import check_member_count

LOCAL_HEADER = struct.Struct("<4s22xHH")
LOCAL_SIGNATURE = b"PK\x03\x04"
# What a reader can fetch with one ranged read and at most zlib: stored, deflated.
READABLE_METHODS = frozenset({zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED})
_ENCRYPTED_FLAG = 0x1
_UNIX = 3


@dataclass(frozen=True)
class MemberSpan:
    data_offset: int
    compressed_size: int
    compression: int


def member_span(archive: BinaryIO, info: zipfile.ZipInfo, file_size: int) -> MemberSpan:
    archive.seek(info.header_offset)
    header = archive.read(LOCAL_HEADER.size)
    if len(header) < LOCAL_HEADER.size:
        raise ArchiveRejected(f"The ZIP member {info.filename!r} lies past the end of the file.")
    signature, name_length, extra_length = LOCAL_HEADER.unpack(header)
    if signature != LOCAL_SIGNATURE:
        raise ArchiveRejected(
            f"The ZIP member {info.filename!r} has no local header where the directory says."
        )
    data_offset = info.header_offset + LOCAL_HEADER.size + name_length + extra_length
    if data_offset + info.compress_size > file_size:
        raise ArchiveRejected(f"The ZIP member {info.filename!r} is cut short (truncated file).")
    return MemberSpan(data_offset, info.compress_size, info.compress_type)


def check_directory(infos: list[zipfile.ZipInfo], limits: Limits) -> None:
    """Every check the central directory allows before a byte is inflated."""
    check_member_count(len(infos), limits)
    total = 0
    for info in infos:
        name = info.filename
        member_names.check_safe(name)
        _check_kind(info)
        if info.flag_bits & _ENCRYPTED_FLAG:
            raise ArchiveRejected(
                f"The ZIP member {name!r} is encrypted (password-protected); re-pack the "
                "archive without a password."
            )
        if info.file_size > limits.max_member_bytes:
            raise ArchiveRejected(
                f"The ZIP member {name!r} declares {info.file_size:,} bytes, over the "
                f"{limits.max_member_bytes:,}-byte limit for one member."
            )
        if info.file_size > limits.ratio_checked_above and info.file_size > limits.max_ratio * max(
            info.compress_size, 1
        ):
            raise ArchiveRejected(
                f"The ZIP member {name!r} inflates {info.file_size // max(info.compress_size, 1):,}"
                f" times ({info.compress_size:,} to {info.file_size:,} bytes), over the "
                f"{limits.max_ratio}x limit: a zip bomb, not comic pages."
            )
        total += info.file_size
    if total > limits.max_total_bytes:
        raise ArchiveRejected(
            f"The ZIP archive declares {total:,} bytes unpacked, over the "
            f"{limits.max_total_bytes:,}-byte limit for one chapter."
        )


def _check_kind(info: zipfile.ZipInfo) -> None:
    """Only Unix-made zips carry a file type (the high 16 bits of external_attr)."""
    if info.create_system != _UNIX:
        return
    mode = info.external_attr >> 16
    kind = stat.S_IFMT(mode)
    if kind in (0, stat.S_IFREG, stat.S_IFDIR):
        return
    what = "a symbolic link" if kind == stat.S_IFLNK else "a device, pipe or socket"
    raise ArchiveRejected(
        f"The ZIP member {info.filename!r} is {what}, not a file; re-pack the archive with "
        "the pages themselves."
    )
