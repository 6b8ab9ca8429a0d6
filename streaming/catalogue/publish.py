"""Making a stored file watchable as a film of its own (the store_media command, tests)."""

from __future__ import annotations

from django.db import transaction

from stored_media.models import StoredObject
from streaming.models import MediaFile, Title


def publish_as_film(
    stored: StoredObject, name: str, title_fields: dict | None = None, **facts
) -> MediaFile:
    """Make a stored file watchable: a published film with this file as its one version.
    `title_fields` go on the film (year, overview...), `facts` on the media file."""
    with transaction.atomic():
        film = Title.objects.create(
            title=name, status=Title.Status.PUBLISHED, **(title_fields or {})
        )
        return MediaFile.objects.create(title=film, stored=stored, **facts)
