"""The storage interface every media backend implements (local disk, S3-compatible, Telegram).

Reads are async (the ASGI stream view awaits them); saves are sync (Celery workers call them).
An object may be stored as ordered parts (Telegram caps a document's size); `read_range`
maps a byte range onto the parts it spans, so a backend only reads within one part.
"""

from __future__ import annotations

import abc
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_CHUNK = 1024 * 1024

# Called with (bytes done, bytes total) while a save runs.
Progress = Callable[[int, int], None]


class StorageError(Exception):
    """Base for errors a backend raises; the message never includes credentials."""


class ObjectMissing(StorageError):
    """The backend has no such object (the viewer gets 404; the key is logged)."""


class BackendUnavailable(StorageError):
    """The backend timed out or refused (the viewer gets 504)."""


class InvalidKey(StorageError):
    """A key that would escape the backend's namespace or is otherwise malformed."""


@dataclass(frozen=True)
class Part:
    """One stored piece of an object. `ref` is what the backend needs to find it."""

    size: int
    ref: dict = field(default_factory=dict)

    def as_json(self) -> dict:
        return {"size": self.size, "ref": self.ref}

    @classmethod
    def from_json(cls, data: dict) -> Part:
        return cls(size=int(data["size"]), ref=dict(data.get("ref") or {}))


@dataclass(frozen=True)
class SavedObject:
    key: str
    size: int
    sha256: str
    parts: list[Part]


class StorageBackend(abc.ABC):
    """One way of keeping media bytes. Instances are shared: keep them stateless or safe."""

    name: str

    @abc.abstractmethod
    def save(self, source: Path, key: str, progress: Progress | None = None) -> SavedObject:
        """Store the file at `source` under `key`; report progress; return where it went."""

    def adopt(
        self, source: Path, key: str, progress: Progress | None = None, hash_later: bool = False
    ) -> SavedObject:
        """Like `save`, for a file the caller is done with (an ingest job's output): a backend
        may take the file itself instead of copying it. With `hash_later`, a backend that
        did not read the file may return an empty sha256 (see storing.fill_sha256).
        `source` may be gone afterwards."""
        return self.save(source, key, progress)

    @abc.abstractmethod
    def read_part(
        self, key: str, part: Part, start: int, stop: int, chunk_size: int
    ) -> AsyncIterator[bytes]:
        """Yield bytes [start, stop) of one part, in chunks of at most `chunk_size`.

        Backends write it as an async generator (`async def` with `yield`); declared here
        without `async`, which for a body without `yield` would make it a coroutine."""

    @abc.abstractmethod
    def delete(self, key: str, parts: list[Part]) -> None:
        """Remove the object; removing a missing object is not an error."""

    def local_path(self, key: str) -> Path | None:
        """A path on this machine's disk when the backend has one (nginx can sendfile it)."""
        return None

    def stored_size(self, key: str, parts: list[Part]) -> int | None:
        """The size the backend holds under `key` (ObjectMissing if none), or None when the
        backend cannot tell without reading (backups and moves check objects with it)."""
        return None

    def check(self) -> None:  # noqa: B027  (optional hook; most backends need nothing)
        """Raise StorageError when the backend cannot be reached (used by /readyz)."""

    async def read_range(
        self, key: str, parts: list[Part], start: int, stop: int, chunk_size: int = DEFAULT_CHUNK
    ) -> AsyncIterator[bytes]:
        """Yield bytes [start, stop) of the whole object, across part boundaries."""
        offset = 0
        for part in parts:
            part_start, part_stop = offset, offset + part.size
            offset = part_stop
            if part_stop <= start or part_start >= stop:
                continue
            lo, hi = max(start, part_start) - part_start, min(stop, part_stop) - part_start
            async for chunk in self.read_part(key, part, lo, hi, chunk_size):
                yield chunk
