"""A part as a Telegram document: where the document is, and the reader that uploads it.

- `StoredDocument` is what a part's `ref` says: the channel, the message id and the
  document's `Location` as seen at upload; `ref_for` writes that ref for a sent message.
- `PartReader` hands Telethon one part-sized window of the source file as a file of its own.
"""

from __future__ import annotations

import base64
import io
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

from telethon.tl import types

from stored_media.storage.base import Part, StorageError

HASH_READ = 4 * 1024 * 1024


@dataclass(frozen=True)
class Location:
    document_id: int
    access_hash: int
    file_reference: bytes
    dc_id: int

    def as_input(self) -> types.InputDocumentFileLocation:
        return types.InputDocumentFileLocation(
            id=self.document_id,
            access_hash=self.access_hash,
            file_reference=self.file_reference,
            thumb_size="",  # the document itself, not a thumbnail
        )


@dataclass(frozen=True)
class StoredDocument:
    """One part: its message, and the document's location as seen when it was uploaded."""

    channel: int | str
    message_id: int
    at_upload: Location | None

    @classmethod
    def from_part(cls, part: Part) -> StoredDocument:
        ref = part.ref
        try:
            channel, message_id = ref["channel"], int(ref["message_id"])
        except (KeyError, TypeError, ValueError) as exc:
            raise StorageError("a Telegram part needs its channel and message id") from exc
        at_upload = None
        if {"document_id", "access_hash", "file_reference"} <= ref.keys():
            at_upload = Location(
                int(ref["document_id"]),
                int(ref["access_hash"]),
                base64.b64decode(ref["file_reference"]),
                int(ref.get("dc_id") or 0),
            )
        return cls(channel, message_id, at_upload)


def ref_for(channel: int | str, message: Any) -> dict:
    document = message.media.document
    return {
        "channel": channel,
        "message_id": message.id,
        "document_id": document.id,
        "access_hash": document.access_hash,
        "file_reference": base64.b64encode(document.file_reference).decode("ascii"),
        "dc_id": document.dc_id,
    }


def part_name(key: str, index: int) -> str:
    # A neutral extension keeps Telethon and Telegram from treating a part as a photo or a
    # video; the object's real name and type live in the database.
    return f"{PurePosixPath(key).name or 'media'}.part{index + 1:03d}"


class PartReader(io.IOBase):
    """The window [offset, offset + length) of an open file, read by Telethon as one document.

    It feeds the whole object's sha256 as bytes go by, each byte once and in order, even when
    an upload restarts; `finish_hash` reads whatever the uploader skipped.
    """

    def __init__(self, file: Any, offset: int, length: int, digest: Any, name: str) -> None:
        self._file, self._offset, self.length = file, offset, length
        self._digest, self.name = digest, name
        self._position = 0
        self._hashed = 0  # bytes [0, _hashed) of the window are in the digest

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._position

    def seek(self, position: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._position, io.SEEK_END: self.length}[whence]
        self._position = min(max(base + position, 0), self.length)
        return self._position

    def read(self, size: int | None = -1) -> bytes:
        remaining = self.length - self._position
        size = remaining if size is None or size < 0 else min(size, remaining)
        self._file.seek(self._offset + self._position)
        data = self._file.read(size)
        if self._position <= self._hashed < self._position + len(data):
            self._digest.update(memoryview(data)[self._hashed - self._position :])
            self._hashed = self._position + len(data)
        self._position += len(data)
        return data

    def finish_hash(self) -> None:
        while self._hashed < self.length:
            self.seek(self._hashed)
            if not self.read(HASH_READ):
                raise StorageError("the source file shrank while it was being stored")
