"""Putting a file into media storage and recording it: the one way a StoredObject is made."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterable
from pathlib import Path

from django.db import transaction

from stored_media.media_types import kind_named, name_with_suffix
from stored_media.models import StoredObject, link_name_for
from stored_media.storage import get_backend
from stored_media.storage.base import Progress
from stored_media.storage.hashing import file_sha256

logger = logging.getLogger(__name__)


def store_file(
    source: Path,
    filename: str | None = None,
    backend_name: str = "local",
    progress: Progress | None = None,
    move: bool = False,
    hash_later: bool = False,
    *,
    kind: str,
) -> StoredObject:
    """Save `source` in the backend, then record it. If recording fails, the stored bytes are
    removed again, so storage never holds an object the database does not know. With `move`
    the caller gives the file up, and a backend on the same disk takes it without a copy;
    with `hash_later` too, its sha256 may be left empty for `fill_sha256` to record.

    `kind` (stored_media.media_types) is what the caller made or ffprobe found: it alone sets
    the content type and the name's suffix; a kind off the allow-list is refused before any
    byte is stored. The source's name never decides how the file is served."""
    media_kind = kind_named(kind)
    filename = name_with_suffix(filename or source.name, media_kind)
    key = f"media/{uuid.uuid4().hex}/{link_name_for(filename, None)}"
    backend = get_backend(backend_name)
    if move:
        saved = backend.adopt(source, key, progress, hash_later)
    else:
        saved = backend.save(source, key, progress)
    try:
        with transaction.atomic():
            return StoredObject.objects.create(
                backend=backend_name,
                key=saved.key,
                filename=filename,
                content_type=media_kind.content_type,
                size=saved.size,
                sha256=saved.sha256,
                parts=[part.as_json() for part in saved.parts],
            )
    except Exception:
        backend.delete(saved.key, saved.parts)
        raise


def fill_sha256(stored: StoredObject) -> None:
    """Record the sha256 of an object stored with `hash_later`. A queryset update: the row's
    updated_at (and so nothing a viewer's player validates against) does not change."""
    path = get_backend(stored.backend).local_path(stored.key)
    if stored.sha256 or path is None:
        return
    _size, stored.sha256 = file_sha256(path)
    StoredObject.objects.filter(pk=stored.pk).update(sha256=stored.sha256)


def delete_bytes(objects: Iterable[StoredObject]) -> None:
    """Remove stored objects' bytes from their backends. A failure is logged, not raised:
    the caller is cleaning up after something else, and the rows say what is left."""
    for obj in objects:
        try:
            get_backend(obj.backend).delete(obj.key, obj.part_list)
        except Exception:
            logger.exception("could not delete stored object %s", obj.pk)


def delete_stored(objects: Iterable[StoredObject]) -> None:
    """Remove stored objects, bytes then rows (what a failed job or rendition stored)."""
    objects = list(objects)
    delete_bytes(objects)
    for obj in objects:
        obj.delete()
