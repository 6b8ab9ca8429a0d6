"""The stored objects' part of a backup: their checksums and, for local ones, their bytes.

Checksums the media core recorded are reused; a missing one is computed by streaming the
object (local and S3; Telegram objects are not read back, their sha256 stays as recorded).
"""

from __future__ import annotations

import asyncio
import hashlib
import shutil
from collections.abc import Callable
from pathlib import Path

from shadowvault.backups.manifest import MEDIA_FOLDER, ObjectEntry
from stored_media.storage import get_backend
from stored_media.storage.base import Part, StorageError
from stored_media.storage.hashing import file_sha256
from stored_media.storage.local import checked_key

Say = Callable[[str], None]
HASHED_REMOTELY = {"s3"}


def complete_entries(
    entries: list[ObjectEntry], folder: Path, with_media: bool, hash_missing: bool, say: Say
) -> None:
    """Fill missing checksums and copy local objects into `folder` (with_media), saying
    progress every few objects. Raises StorageError when a local object is missing."""
    total = len(entries)
    for number, entry in enumerate(entries, 1):
        if with_media and entry.backend == "local":
            _copy_local(entry, folder)
        elif hash_missing and not entry.sha256:
            try:
                entry.sha256 = sha256_of(entry)
            except (StorageError, OSError) as exc:  # restore's check will say it is missing
                say(f"object {entry.id} ({entry.backend}:{entry.key}): not hashed: {exc}")
        if number % 100 == 0 or number == total:
            say(f"objects: {number}/{total}")


def _copy_local(entry: ObjectEntry, folder: Path) -> None:
    source = get_backend("local").local_path(entry.key)
    if source is None or not source.is_file():
        raise StorageError(
            f"local object {entry.id} ({entry.key}) is missing from the media folder"
        )
    target = folder / MEDIA_FOLDER / checked_key(entry.key)
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, target)
    size, sha256 = file_sha256(target)
    if size != entry.size or (entry.sha256 and sha256 != entry.sha256):
        raise StorageError(f"local object {entry.id} ({entry.key}) differs from its record")
    entry.sha256, entry.in_backup = sha256, True


def sha256_of(entry: ObjectEntry) -> str:
    """The object's checksum from its bytes, or "" for a backend not read back."""
    backend = get_backend(entry.backend)
    path = backend.local_path(entry.key)
    if path is not None:
        return file_sha256(path)[1]
    if entry.backend not in HASHED_REMOTELY:
        return ""
    return asyncio.run(_stream_sha256(entry))


async def _stream_sha256(entry: ObjectEntry) -> str:
    digest = hashlib.sha256()
    backend = get_backend(entry.backend)
    async for chunk in backend.read_range(entry.key, [Part(entry.size)], 0, entry.size):
        digest.update(chunk)
    return digest.hexdigest()
