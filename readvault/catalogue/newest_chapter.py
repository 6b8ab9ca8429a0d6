"""`Series.last_chapter_at`: when a series' newest chapter was added, kept on the series so
"recently updated" lists read it from an index (`series_recently_updated`) instead of
looking up every series' newest chapter for each page.

Kept by the signals connected in `ReadVaultConfig.ready()` (a chapter added, or deleted in
the admin) and by `refresh` where chapters move with `update()` (merging series), which
sends no signals."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Max, OuterRef, Q, Subquery
from django.db.models.signals import post_delete, post_save

from readvault.models import Chapter, Series


def refresh(series_ids: Iterable[int]) -> None:
    """Reads each series' newest chapter afresh (one UPDATE for all of them)."""
    ids = list(series_ids)
    if not ids:
        return
    newest = (
        Chapter.objects.filter(series_id=OuterRef("pk"))
        .order_by()
        .values("series_id")
        .annotate(newest=Max("created_at"))
        .values("newest")
    )
    Series.objects.filter(pk__in=ids).update(last_chapter_at=Subquery(newest))


def _chapter_saved(sender, instance: Chapter, created: bool, raw: bool = False, **kwargs) -> None:
    if not created:
        return  # an edit keeps the chapter's series and its created_at
    # Only ever later: one UPDATE that touches nothing when an older chapter is added.
    Series.objects.filter(
        Q(last_chapter_at__isnull=True) | Q(last_chapter_at__lt=instance.created_at),
        pk=instance.series_id,
    ).update(last_chapter_at=instance.created_at)


def _chapter_deleted(sender, instance: Chapter, **kwargs) -> None:
    # Only the series whose newest chapter this was needs reading again; deleting a whole
    # series deletes its chapters first, and the UPDATE then finds the series' row gone.
    if instance.created_at is None:
        return
    Series.objects.filter(pk=instance.series_id, last_chapter_at__lte=instance.created_at).update(
        last_chapter_at=Subquery(_newest_of(instance.series_id))
    )


def _newest_of(series_id: int):
    return (
        Chapter.objects.filter(series_id=series_id).order_by("-created_at").values("created_at")[:1]
    )


def connect() -> None:
    post_save.connect(_chapter_saved, sender=Chapter, dispatch_uid="readvault-last-chapter-saved")
    post_delete.connect(
        _chapter_deleted, sender=Chapter, dispatch_uid="readvault-last-chapter-deleted"
    )
