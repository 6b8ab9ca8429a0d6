"""What a reader keeps on a site besides the page they are on (readvault.reading.progress):
the "want to read" list, the reading history, the series they are in the middle of, and
"read up to here" written in a few statements however many chapters it marks.

Lists take `shown`, the rule for the series the viewer may see (the site's rule and the
member's age cap, readvault.site.viewer_lists), on the rows' "series__" path: a row of a
series the site hides or the viewer's cap keeps out stays stored but is not listed.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Max, Q, QuerySet
from django.utils import timezone

from readvault.models import Chapter, ReadingProgress, Series, WantToRead
from readvault.reading.progress import ResumePoint, resume_point

READING_ORDER = ("position", "number", "id")  # as readvault.site.access.chapters_of


@dataclass(frozen=True)
class Resuming:
    """A series the reader is in the middle of, and where they go on."""

    series: Series
    point: ResumePoint


def set_want_to_read(tenant, user, series: Series, wanted: bool) -> bool:
    """Put `series` on the reader's list or take it off; returns whether it is on it now."""
    if wanted:
        WantToRead.objects.get_or_create(tenant=tenant, user=user, series=series)
    else:
        WantToRead.objects.for_tenant(tenant).filter(user=user, series=series).delete()
    return wanted


def want_to_read(tenant, user, shown: Q) -> QuerySet[WantToRead]:
    """The reader's list here, last added first, with the series."""
    entries = WantToRead.objects.for_tenant(tenant).filter(shown, user=user)
    return entries.select_related("series").order_by("-added_at", "-pk")


def remove_want(tenant, user, series_id: int, shown: Q) -> Series | None:
    """Take a series off the list; the series, or None when it was not on it."""
    entry = want_to_read(tenant, user, shown).filter(series_id=series_id).first()
    if entry is None:
        return None
    entry.delete()
    return entry.series


def history(tenant, user, shown: Q) -> QuerySet[ReadingProgress]:
    """Every chapter the reader opened here, most recent first, with its series and volume."""
    rows = ReadingProgress.objects.for_tenant(tenant).filter(shown, user=user)
    return rows.select_related("chapter__volume", "series").order_by("-updated_at", "-pk")


def forget_progress(tenant, user, progress_id: int, shown: Q) -> ReadingProgress | None:
    """Remove one entry of the history; None when the reader has no such entry."""
    entry = history(tenant, user, shown).filter(pk=progress_id).first()
    if entry is not None:
        entry.delete()
    return entry


def clear_history(tenant, user) -> int:
    """Forget everything the reader read here (where they stopped too), including series
    no longer shown; returns how many entries went. The "want to read" list stays."""
    deleted, _ = ReadingProgress.objects.for_tenant(tenant).filter(user=user).delete()
    return deleted


def mark_read_many(tenant, user, series: Series, chapters: Iterable[Chapter]) -> int:
    """Mark `chapters` (of `series`) read, as progress.mark_read does one by one, in four
    statements: "read up to here" on chapter 500 is one click."""
    chosen = {chapter.pk: chapter for chapter in chapters}
    now = timezone.now()
    with transaction.atomic():
        rows = ReadingProgress.objects.for_tenant(tenant).filter(user=user, series=series)
        existing = [row for row in rows if row.chapter_id in chosen]
        for row in existing:
            _finish(row, chosen[row.chapter_id], now)
        ReadingProgress.objects.bulk_update(
            existing, ["page", "page_count", "finished", "updated_at"]
        )
        have = {row.chapter_id for row in existing}
        new = [
            _finish(ReadingProgress(tenant=tenant, user=user, chapter=c, series=series), c, now)
            for pk, c in chosen.items()
            if pk not in have
        ]
        # A page turn that made one of these rows meanwhile wins; the reader moved on anyway.
        ReadingProgress.objects.bulk_create(new, ignore_conflicts=True)
    return len(chosen)


def _finish(row: ReadingProgress, chapter: Chapter, now) -> ReadingProgress:
    row.page = max(chapter.page_count - 1, 0)
    row.page_count = chapter.page_count
    row.finished = True
    row.updated_at = now
    return row


def continue_reading(tenant, user, shown: Q, limit: int) -> list[Resuming]:
    """The series the reader is in the middle of, read last first, each with its resume
    point (a series read to its end is not in it). Three queries whatever the history's
    length: the latest series, their progress rows, their chapters."""
    rows = ReadingProgress.objects.for_tenant(tenant).filter(shown, user=user)
    # Twice the limit: series read to their end drop out below and leave room.
    latest = (
        rows.values("series_id").annotate(last=Max("updated_at")).order_by("-last", "-series_id")
    )
    ids = [entry["series_id"] for entry in latest[: limit * 2]]
    if not ids:
        return []
    progress: dict[int, dict] = defaultdict(dict)
    series_of: dict[int, Series] = {}
    for row in rows.filter(series_id__in=ids).select_related("series"):
        progress[row.series_id][row.chapter_id] = row
        series_of[row.series_id] = row.series
    chapters: dict[int, list[Chapter]] = defaultdict(list)
    ordered = Chapter.objects.filter(series_id__in=ids).select_related("volume")
    for chapter in ordered.order_by("series_id", *READING_ORDER):
        chapters[chapter.series_id].append(chapter)
    found = []
    for series_id in ids:
        point = resume_point(chapters[series_id], progress[series_id])
        if point is not None and point.started:
            found.append(Resuming(series_of[series_id], point))
    return found[:limit]
