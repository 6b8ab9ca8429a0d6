"""The sha256 of a stored file, read once in big blocks into one reused buffer."""

from __future__ import annotations

import hashlib
from pathlib import Path

from stored_media.storage.base import Progress

HASH_CHUNK = 4 * 1024 * 1024


def file_sha256(path: Path, progress: Progress | None = None) -> tuple[int, str]:
    """(size, sha256 hex) of the file at `path`; `progress(done, total)` as it reads."""
    digest = hashlib.sha256()
    buffer = bytearray(HASH_CHUNK)
    view = memoryview(buffer)
    total = path.stat().st_size
    done = 0
    with path.open("rb", buffering=0) as reader:
        while count := reader.readinto(buffer):
            digest.update(view[:count])
            done += count
            if progress:
                progress(done, total)
    return done, digest.hexdigest()
