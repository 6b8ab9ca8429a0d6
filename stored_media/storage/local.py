"""Media on this machine's disk, under MEDIA_ROOT. Keys never escape the root."""

from __future__ import annotations

import hashlib
import os
import shutil
from collections.abc import AsyncIterator
from pathlib import Path, PurePosixPath

from stored_media.file_stream import file_range
from stored_media.storage.base import (
    InvalidKey,
    ObjectMissing,
    Part,
    Progress,
    SavedObject,
    StorageBackend,
    StorageError,
)
from stored_media.storage.hashing import file_sha256

COPY_CHUNK = 4 * 1024 * 1024


def checked_key(key: str) -> PurePosixPath:
    """A relative POSIX key without '..', NUL or empty parts."""
    if not key or "\x00" in key or "\\" in key:
        raise InvalidKey(f"unusable key {key!r}")
    path = PurePosixPath(key)
    if path.is_absolute() or any(part in {"", ".", ".."} for part in key.split("/")):
        raise InvalidKey(f"key {key!r} must be relative, without '.' or '..' parts")
    return path


class LocalBackend(StorageBackend):
    name = "local"

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def path_for(self, key: str) -> Path:
        path = (self.root / checked_key(key)).resolve()
        if not path.is_relative_to(self.root.resolve()):
            raise InvalidKey(f"key {key!r} leaves the media folder")  # e.g. through a symlink
        return path

    def local_path(self, key: str) -> Path | None:
        return self.path_for(key)

    def save(self, source: Path, key: str, progress: Progress | None = None) -> SavedObject:
        target = self.path_for(key)
        target.parent.mkdir(parents=True, exist_ok=True)
        total = source.stat().st_size
        partial = target.with_name(f".{target.name}.partial")
        digest = hashlib.sha256()
        done = 0
        try:
            with source.open("rb") as reader, partial.open("wb") as writer:
                while chunk := reader.read(COPY_CHUNK):
                    writer.write(chunk)
                    digest.update(chunk)
                    done += len(chunk)
                    if progress:
                        progress(done, total)
            # Viewers never see a half-copied file: it appears under its key only when whole.
            os.replace(partial, target)
        finally:
            partial.unlink(missing_ok=True)
        return SavedObject(key=key, size=done, sha256=digest.hexdigest(), parts=[Part(size=done)])

    def adopt(
        self, source: Path, key: str, progress: Progress | None = None, hash_later: bool = False
    ) -> SavedObject:
        """Move the file into place when it is on the same file system, where a copy would
        write every byte again; hash it now (one read) unless the caller hashes it later."""
        target = self.path_for(key)
        target.parent.mkdir(parents=True, exist_ok=True)
        if source.stat().st_dev != target.parent.stat().st_dev:
            return self.save(source, key, progress)
        if hash_later:
            size, sha256 = source.stat().st_size, ""
            if progress:
                progress(size, size)
        else:
            size, sha256 = file_sha256(source, progress)
        os.replace(source, target)  # atomic: the file appears under its key whole
        return SavedObject(key=key, size=size, sha256=sha256, parts=[Part(size=size)])

    async def read_part(
        self, key: str, part: Part, start: int, stop: int, chunk_size: int
    ) -> AsyncIterator[bytes]:
        # Cached pages are read on the event loop, the disk only from a thread (file_stream).
        async for piece in file_range(self.path_for(key), start, stop, chunk_size):
            yield piece

    def delete(self, key: str, parts: list[Part]) -> None:
        self.path_for(key).unlink(missing_ok=True)

    def stored_size(self, key: str, parts: list[Part]) -> int | None:
        try:
            return self.path_for(key).stat().st_size
        except FileNotFoundError:
            raise ObjectMissing(f"local object {key!r} is missing") from None

    def check(self) -> None:
        if not self.root.is_dir():
            raise StorageError(f"media folder {self.root} does not exist")
        if not os.access(self.root, os.W_OK):
            raise StorageError(f"media folder {self.root} is not writable")
        if shutil.disk_usage(self.root).free < 64 * 1024 * 1024:
            raise StorageError(f"media folder {self.root} has less than 64 MiB free")
