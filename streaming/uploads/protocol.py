"""The tus 1.0.0 headers, read and checked without I/O (https://tus.io/protocols/resumable-upload).

Each parser raises ProtocolError with the status the spec asks for and a sentence for the
operator; views turn it into a response.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from dataclasses import dataclass

TUS_VERSION = "1.0.0"
EXTENSIONS = ("creation", "checksum", "termination", "expiration")
# Upload-Checksum algorithms (checksum extension); the browser uploader sends sha1.
CHECKSUM_ALGORITHMS = ("sha1", "sha256", "md5")
OFFSET_CONTENT_TYPE = "application/offset+octet-stream"
CHECKSUM_MISMATCH = 460  # tus checksum extension: "460 Checksum Mismatch"
_DIGITS = re.compile(r"^[0-9]{1,19}$")
_METADATA_KEY = re.compile(r"^[!-+\--~]+$")  # printable ASCII without space and comma


class ProtocolError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class Checksum:
    algorithm: str
    digest: bytes

    def new_hash(self) -> hashlib._Hash:
        return hashlib.new(self.algorithm, usedforsecurity=False)


def check_version(value: str | None) -> None:
    """Core: every request but OPTIONS names the version; another one is 412."""
    if value != TUS_VERSION:
        raise ProtocolError(412, f"Tus-Resumable must be {TUS_VERSION} (got {value or 'none'}).")


def parse_size(value: str | None, header: str) -> int:
    """Upload-Length, Upload-Offset and Content-Length: a non-negative decimal integer."""
    if value is None:
        raise ProtocolError(400, f"{header} is missing.")
    if not _DIGITS.match(value.strip()):
        raise ProtocolError(400, f"{header} must be a non-negative whole number of bytes.")
    return int(value)


def parse_metadata(value: str | None) -> dict[str, str]:
    """Upload-Metadata: `key base64value` pairs separated by commas; a value may be absent.
    Values are read as UTF-8 text (file names); a key given twice is refused."""
    found: dict[str, str] = {}
    for pair in (value or "").split(","):
        parts = pair.strip().split(" ")
        if parts == [""]:
            continue
        if len(parts) > 2 or not _METADATA_KEY.match(parts[0]):
            raise ProtocolError(400, "Upload-Metadata is not `key base64value` pairs.")
        if parts[0] in found:
            raise ProtocolError(400, f"Upload-Metadata names {parts[0]} twice.")
        found[parts[0]] = _base64_text(parts[1]) if len(parts) == 2 else ""
    return found


def parse_checksum(value: str | None) -> Checksum | None:
    """Upload-Checksum: `<algorithm> <base64 digest>`; an algorithm we do not offer is 400."""
    if value is None:
        return None
    algorithm, _, encoded = value.strip().partition(" ")
    if algorithm not in CHECKSUM_ALGORITHMS:
        offered = ", ".join(CHECKSUM_ALGORITHMS)
        raise ProtocolError(400, f"Upload-Checksum algorithm must be one of {offered}.")
    try:
        digest = base64.b64decode(encoded.strip(), validate=True)
    except binascii.Error:
        raise ProtocolError(400, "Upload-Checksum's digest is not base64.") from None
    if len(digest) != hashlib.new(algorithm, usedforsecurity=False).digest_size:
        raise ProtocolError(400, f"Upload-Checksum's digest is not a {algorithm} digest.")
    return Checksum(algorithm, digest)


def _base64_text(encoded: str) -> str:
    try:
        text = base64.b64decode(encoded, validate=True).decode()
    except (binascii.Error, UnicodeDecodeError):
        raise ProtocolError(400, "An Upload-Metadata value is not base64 of UTF-8 text.") from None
    if any(ord(ch) < 32 for ch in text):
        raise ProtocolError(400, "An Upload-Metadata value holds control characters.")
    return text
