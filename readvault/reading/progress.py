"""Reading progress: one row per (site, reader, chapter), written on every page turn (the
reader debounces), by "mark as read", and by pages fetched through OPDS page streaming.

A chapter is finished when its last page is reached or it is marked read; reading it again
keeps it finished (the page still moves, so a re-read resumes), until it is marked unread.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone

from figures.recording import record_reading
from readvault.models import Chapter, ReadingProgress, Series


@dataclass(frozen=True)
class ResumePoint:
    """Where "Continue" goes: a chapter and the 0-based page in it."""

    chapter: Chapter
    page: int
    started: bool  # False: nothing read yet, "Start reading"


def record_page(tenant, user, chapter: Chapter, page: int) -> ReadingProgress:
    """The reader is on `page` (0-based, clamped to the chapter) of `chapter` now."""
    last = max(chapter.page_count - 1, 0)
    page = min(max(page, 0), last)
    reached_end = chapter.page_count > 0 and page >= last
    now = timezone.now()
    fields = {"page": page, "page_count": chapter.page_count, "updated_at": now}
    progress = _upsert(tenant, user, chapter, fields, finished=reached_end or None)
    record_reading(tenant, user, chapter.pk, chapter.series_id, page)  # figures.recording
    return progress


def mark_read(tenant, user, chapters: Iterable[Chapter]) -> int:
    """Mark every chapter in `chapters` read (their last page); returns how many."""
    count = 0
    now = timezone.now()
    for chapter in chapters:
        fields = {
            "page": max(chapter.page_count - 1, 0),
            "page_count": chapter.page_count,
            "updated_at": now,
        }
        _upsert(tenant, user, chapter, fields, finished=True)
        count += 1
    return count


def mark_unread(tenant, user, chapters: Iterable[Chapter]) -> int:
    """Forget the reader's progress in `chapters`; returns how many rows went."""
    ids = [chapter.pk for chapter in chapters]
    deleted, _ = (
        ReadingProgress.objects.for_tenant(tenant).filter(user=user, chapter_id__in=ids).delete()
    )
    return deleted


def chapters_up_to(chapter: Chapter) -> list[Chapter]:
    """`chapter` and every chapter before it in the series' reading order ("read up to
    here")."""
    ordered = chapter.series.chapters.order_by("position", "number", "id")
    chosen: list[Chapter] = []
    for candidate in ordered:
        chosen.append(candidate)
        if candidate.pk == chapter.pk:
            return chosen
    return chosen


def progress_in(tenant, user, series: Series) -> dict[int, ReadingProgress]:
    """The reader's progress in each chapter of `series`, by chapter id (one query)."""
    if not user.is_authenticated:
        return {}
    rows = ReadingProgress.objects.for_tenant(tenant).filter(user=user, series=series)
    return {row.chapter_id: row for row in rows}


def resume_point(
    chapters: list[Chapter], progress: dict[int, ReadingProgress]
) -> ResumePoint | None:
    """Where to continue in a series whose `chapters` (reading order) and `progress`
    (progress_in) are given: the chapter read last, at its page, or the chapter after it
    once that one is finished; the first chapter when nothing was read. None for a series
    without chapters, or read to its end."""
    if not chapters:
        return None
    if not progress:
        return ResumePoint(chapters[0], 0, started=False)
    latest = max(progress.values(), key=lambda row: row.updated_at)
    position = next((i for i, c in enumerate(chapters) if c.pk == latest.chapter_id), None)
    if position is None:
        return ResumePoint(chapters[0], 0, started=False)
    if not latest.finished:
        return ResumePoint(chapters[position], latest.page, started=True)
    for later in chapters[position + 1 :]:
        row = progress.get(later.pk)
        if row is None or not row.finished:
            return ResumePoint(later, row.page if row else 0, started=True)
    return None


def _upsert(tenant, user, chapter: Chapter, fields: dict, *, finished: bool | None):
    """Insert or update the row; `finished` None leaves the flag as it is."""
    update = dict(fields)
    if finished is not None:
        update["finished"] = finished
    lookup = {"tenant": tenant, "user": user, "chapter": chapter}
    rows = ReadingProgress.objects.filter(**lookup)
    if rows.update(**update):
        return rows.get()
    try:
        with transaction.atomic():
            return ReadingProgress.objects.create(
                **lookup, series_id=chapter.series_id, finished=bool(finished), **fields
            )
    except IntegrityError:  # two page turns raced to make the row: the other one won
        rows.update(**update)
        return rows.get()
