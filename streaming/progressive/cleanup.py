"""Removing a progressive rendition: its segments, their init segments and the rows.

After the final MP4 replaced it (a few minutes later, so players move over at their next
poll), or when the job that made it failed. Stored bytes go first, then the rows in one
transaction: a crash in between leaves the rendition with rows whose bytes are gone (the sweep
finds it again, and deleting missing bytes is no error), never bytes or rows nothing points to.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from stored_media.models import StoredObject
from stored_media.objects import delete_bytes
from streaming.models import ProgressiveRendition


def remove_rendition(rendition: ProgressiveRendition) -> int:
    """Delete the rendition with its segments; how many stored objects went."""
    segments = list(rendition.segments.select_related("stored"))
    init_ids = {segment.init_id for segment in segments}
    objects = [segment.stored for segment in segments]
    objects += list(StoredObject.objects.filter(pk__in=init_ids))
    delete_bytes(objects)
    with transaction.atomic():
        rendition.delete()  # the segment rows go with it (CASCADE); their objects are PROTECTed
        StoredObject.objects.filter(pk__in=[obj.pk for obj in objects]).delete()
    return len(objects)


def sweep_replaced(now=None) -> int:
    """Remove renditions replaced longer than PROGRESSIVE_KEEP_SECONDS ago (the periodic
    sweep; a task queued at replacement normally does it first)."""
    now = now or timezone.now()
    cutoff = now - timedelta(seconds=settings.PROGRESSIVE_KEEP_SECONDS)
    removed = 0
    stale = ProgressiveRendition.objects.filter(
        state=ProgressiveRendition.State.REPLACED, updated_at__lte=cutoff
    )
    for rendition in stale:
        removed += remove_rendition(rendition)
    return removed
