"""A series' reading order (`Chapter.position`) and chapter numbers, set in bulk by the
operator: renumbering follows the reading order, sorting follows the numbers."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from django.db import transaction
from django.db.models import Min
from django.utils import timezone

from readvault.models import Chapter, Series
from readvault.pages import roles as page_roles

# Chapter.number holds 9 digits, 3 of them decimals.
HIGHEST_NUMBER = Decimal("999999.999")
BATCH = 500


class OrderRefused(ValueError):
    """Why chapters cannot be numbered so; shown to the operator as it is."""


def reading_order(series: Series) -> list[Chapter]:
    """The chapters as readers meet them (readvault.pages.roles.reading_order)."""
    chapters = Chapter.objects.filter(series=series).select_related("volume")
    return list(page_roles.reading_order(chapters))


def renumber_chapters(series: Series, start: int) -> int:
    """Number every chapter of `series` start, start + 1, … in reading order (a whole-volume
    file gets a number too). Returns how many were numbered."""
    chapters = reading_order(series)
    if start < 0 or start + len(chapters) - 1 > HIGHEST_NUMBER:
        raise OrderRefused(
            f"“{series}” has {len(chapters)} chapters: numbering them from {start} would go "
            f"past {HIGHEST_NUMBER.normalize()}."
        )
    set_numbers(series, {chapter.pk: Decimal(start + i) for i, chapter in enumerate(chapters)})
    return len(chapters)


def set_numbers(series: Series, numbers: dict[int, Decimal | None]) -> None:
    """Give the chapters (by id) of `series` these numbers at once, so two may swap.

    Numbers are unique per series at every row of an UPDATE (PostgreSQL checks a constraint
    that is not deferrable row by row, SQLite too), so shifting chapter 1 to 2 while chapter
    2 still has it would fail: every chapter changed first takes a number below all others."""
    with transaction.atomic():
        chapters = list(Chapter.objects.filter(series=series, pk__in=numbers))
        lowest = Chapter.objects.filter(series=series).aggregate(low=Min("number"))["low"]
        below = min(lowest or Decimal(0), Decimal(0)) - 1
        for i, chapter in enumerate(chapters):
            chapter.number = below - i
        _write(chapters, "number")
        for chapter in chapters:
            chapter.number = numbers[chapter.pk]
        _write(chapters, "number")


def sort_by_number(series: Series) -> int:
    """Set the reading order by volume, then chapter number: a volume's whole-volume file
    before its numbered chapters, chapters of no volume after the volumes (the newest,
    not collected yet). Equal keys keep their order. Returns how many chapters there are."""
    chapters = sorted(reading_order(series), key=_volume_then_number)
    for position, chapter in enumerate(chapters, start=1):
        chapter.position = position
    _write(chapters, "position")
    return len(chapters)


def _volume_then_number(chapter: Chapter) -> tuple:
    volume = chapter.volume.number if chapter.volume is not None else None
    return (
        volume is None,
        volume or 0,
        chapter.number is not None,
        chapter.number or 0,
    )


def _write(chapters: Iterable[Chapter], field: str) -> None:
    chapters = list(chapters)
    now = timezone.now()  # bulk_update skips auto_now
    for chapter in chapters:
        chapter.updated_at = now
    Chapter.objects.bulk_update(chapters, [field, "updated_at"], batch_size=BATCH)
