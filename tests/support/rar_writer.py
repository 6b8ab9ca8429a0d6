"""A writer of STORED (method 0) RAR 4 and RAR 5 archives, standing in for archives made by
WinRAR or `rar` (non-free, not installable here), following RARLAB's format technotes:
"RAR 5.0 archive format" (rarlab.com/technote.htm) and the RAR 2.9/3.x TECHNOTE.TXT.

Only what comic archives use: files in folders, stored, in one volume. `encrypted=True` sets
the RAR 4 file header's password flag (FHD_PASSWORD), which is how an encrypted member
announces itself to a reader (the data is not really encrypted here).
"""

from __future__ import annotations

import struct
import time
import zlib
from pathlib import Path

RAR5_SIGNATURE = b"Rar!\x1a\x07\x01\x00"
RAR4_SIGNATURE = b"Rar!\x1a\x07\x00"


# -- RAR 5 -----------------------------------------------------------------------------------


def vint(value: int) -> bytes:
    """RAR 5 variable-length integer: 7 bits a byte, low bits first, high bit = more follows."""
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def _rar5_block(fields: bytes, data: bytes = b"") -> bytes:
    """CRC32 (uint32) of everything after it, header size (vint), then the header fields."""
    body = vint(len(fields)) + fields
    return struct.pack("<I", zlib.crc32(body)) + body + data


def _rar5_main_header() -> bytes:
    # type 1 (main archive header), header flags 0, archive flags 0 (one volume, not solid)
    return _rar5_block(vint(1) + vint(0) + vint(0))


def _rar5_file_header(name: str, data: bytes, mtime: int) -> bytes:
    header_flags = 0x0002  # a data area follows
    file_flags = 0x0002 | 0x0004  # mtime (uint32 Unix time) and data CRC32 present
    compression = 0  # version 0, not solid, method 0 (store), dictionary 0
    host_os = 1  # Unix: attributes are the Unix mode
    encoded = name.encode("utf-8")
    fields = (
        vint(2)  # type 2: file header
        + vint(header_flags)
        + vint(len(data))  # data size
        + vint(file_flags)
        + vint(len(data))  # unpacked size
        + vint(0o100644)  # attributes
        + struct.pack("<I", mtime)
        + struct.pack("<I", zlib.crc32(data))
        + vint(compression)
        + vint(host_os)
        + vint(len(encoded))
        + encoded
    )
    return _rar5_block(fields, data)


def _rar5_end() -> bytes:
    return _rar5_block(vint(5) + vint(0) + vint(0))  # type 5: end of archive, last volume


def rar5_bytes(members: list[tuple[str, bytes]]) -> bytes:
    mtime = int(time.time())
    body = b"".join(_rar5_file_header(name, data, mtime) for name, data in members)
    return RAR5_SIGNATURE + _rar5_main_header() + body + _rar5_end()


# -- RAR 4 (2.9/3.x) -------------------------------------------------------------------------

MAIN_HEAD = 0x73
FILE_HEAD = 0x74
ENDARC_HEAD = 0x7B
LONG_BLOCK = 0x8000  # ADD_SIZE (here PACK_SIZE) follows the header
FHD_PASSWORD = 0x0004
STORE = 0x30
HOST_WIN32 = 2
FILE_ATTRIBUTE_ARCHIVE = 0x20


def _crc16(header: bytes) -> bytes:
    """HEAD_CRC: the low 16 bits of the CRC32 of the header from HEAD_TYPE to its end."""
    return struct.pack("<H", zlib.crc32(header) & 0xFFFF)


def _rar4_block(head_type: int, flags: int, fields: bytes) -> bytes:
    size = 7 + len(fields)  # HEAD_CRC(2) HEAD_TYPE(1) HEAD_FLAGS(2) HEAD_SIZE(2)
    header = struct.pack("<BHH", head_type, flags, size) + fields
    return _crc16(header) + header


def _dos_time(seconds: float) -> int:
    t = time.localtime(seconds)
    date = ((t.tm_year - 1980) << 9) | (t.tm_mon << 5) | t.tm_mday
    return (date << 16) | (t.tm_hour << 11) | (t.tm_min << 5) | (t.tm_sec // 2)


def _rar4_file(name: str, data: bytes, encrypted: bool) -> bytes:
    encoded = name.replace("/", "\\").encode("ascii")  # RAR 4 paths use backslashes
    fields = struct.pack(
        "<IIBIIBBHI",
        len(data),  # PACK_SIZE
        len(data),  # UNP_SIZE
        HOST_WIN32,
        zlib.crc32(data),  # FILE_CRC
        _dos_time(time.time()),
        20,  # UNP_VER: 2.0 is enough to unpack a stored file
        STORE,
        len(encoded),
        FILE_ATTRIBUTE_ARCHIVE,
    )
    flags = LONG_BLOCK | (FHD_PASSWORD if encrypted else 0)
    return _rar4_block(FILE_HEAD, flags, fields + encoded) + data


def rar4_bytes(members: list[tuple[str, bytes]], encrypted: bool = False) -> bytes:
    main = _rar4_block(MAIN_HEAD, 0, b"\x00" * 6)  # RESERVED1 (2), RESERVED2 (4)
    body = b"".join(_rar4_file(name, data, encrypted) for name, data in members)
    end = _rar4_block(ENDARC_HEAD, 0x4000, b"")
    return RAR4_SIGNATURE + main + body + end


def write_rar(
    path: Path, members: list[tuple[str, bytes]], version: int = 5, **options: bool
) -> Path:
    path.write_bytes(rar5_bytes(members) if version == 5 else rar4_bytes(members, **options))
    return path
