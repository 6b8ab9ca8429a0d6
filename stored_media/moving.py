"""Moving stored objects between backends (local disk <-> S3) while the site serves them.

Links name an object by id (/media/<id>/<name>), never by backend, so an object moves by
copying its bytes under the same key, checking size and sha256, and switching its row in one
conditional UPDATE. A viewer reads the old copy until the switch and the new one after; the
old copy stays for a grace period longer than a link is valid (the gateway may still hold an
answer naming the old local file), then `purge_due` deletes it. Each object is moved on its
own, so a move cut short resumes by running again: what is still on the source is what is
left.
"""

from __future__ import annotations

import asyncio
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from stored_media.models import RetiredCopy, StoredObject
from stored_media.storage import get_backend
from stored_media.storage.base import Part, StorageBackend, StorageError

MOVABLE = ("local", "s3")
GRACE_MARGIN = 15 * 60  # beyond a link's lifetime: the gateway's cached answers, slow players

Say = Callable[[str], None]


class MoveError(StorageError):
    pass


@dataclass
class MoveReport:
    moved: int = 0
    moved_bytes: int = 0
    skipped: int = 0  # the row changed while its bytes were copied
    purged: int = 0


def default_grace() -> int:
    return settings.MEDIA_LINK_LIFETIME + GRACE_MARGIN


def pending(source: str):
    return StoredObject.objects.filter(backend=source).order_by("pk")


def move_objects(
    source: str,
    target: str,
    say: Say,
    grace_seconds: int | None = None,
    limit: int | None = None,
    after_each: Callable[[StoredObject], None] | None = None,
) -> MoveReport:
    """Move every object (or the first `limit`) from `source` to `target`; `after_each`
    runs between objects (tests fetch links there)."""
    if source == target or source not in MOVABLE or target not in MOVABLE:
        raise MoveError(f"objects move between {' and '.join(MOVABLE)} only")
    report = MoveReport(purged=purge_due(say))
    grace = timedelta(seconds=default_grace() if grace_seconds is None else grace_seconds)
    todo = list(pending(source).values_list("pk", flat=True)[:limit])
    for number, pk in enumerate(todo, 1):
        obj = StoredObject.objects.filter(pk=pk, backend=source).first()
        if obj is None:  # deleted or moved by someone else meanwhile
            report.skipped += 1
            continue
        if move_one(obj, get_backend(target), grace):
            report.moved += 1
            report.moved_bytes += obj.size
        else:
            report.skipped += 1
        say(f"[{number}/{len(todo)}] object {pk} ({obj.size} bytes) {source} -> {target}")
        if after_each is not None:
            after_each(obj)
    return report


def move_one(obj: StoredObject, target: StorageBackend, grace: timedelta) -> bool:
    """Copy, check, switch; False when the row changed meanwhile (the copy is removed)."""
    source = get_backend(obj.backend)
    with tempfile.TemporaryDirectory(prefix="move.", dir=settings.DATA_DIR) as scratch:
        path = source.local_path(obj.key)
        if path is None:
            path = Path(scratch) / "object"
            asyncio.run(_download(source, obj, path))
        saved = target.save(path, obj.key)
    if saved.size != obj.size or (obj.sha256 and saved.sha256 != obj.sha256):
        target.delete(saved.key, saved.parts)
        raise MoveError(f"object {obj.pk}: the copy differs from the record (size or sha256)")
    with transaction.atomic():
        switched = StoredObject.objects.filter(pk=obj.pk, backend=obj.backend, key=obj.key).update(
            backend=target.name,
            key=saved.key,
            parts=[part.as_json() for part in saved.parts],
            sha256=saved.sha256,
        )  # an update(), so updated_at (the Last-Modified players validate with) stays
        if switched:
            RetiredCopy.objects.create(
                backend=obj.backend,
                key=obj.key,
                parts=obj.parts,
                object_id=obj.pk,
                delete_after=timezone.now() + grace,
            )
    if not switched:
        target.delete(saved.key, saved.parts)
    return bool(switched)


async def _download(source: StorageBackend, obj: StoredObject, path: Path) -> None:
    with path.open("wb") as out:
        async for chunk in source.read_range(obj.key, obj.part_list, 0, obj.size):
            out.write(chunk)


def purge_due(say: Say) -> int:
    """Delete old copies whose grace period is over; returns how many."""
    purged = 0
    for copy in RetiredCopy.objects.filter(delete_after__lte=timezone.now()).order_by("pk"):
        # Moved back meanwhile: the "old" copy is the live one again, under the same key.
        if not StoredObject.objects.filter(backend=copy.backend, key=copy.key).exists():
            parts = [Part.from_json(part) for part in copy.parts]
            get_backend(copy.backend).delete(copy.key, parts)
            purged += 1
            say(f"deleted old copy {copy.backend}:{copy.key}")
        copy.delete()
    return purged
