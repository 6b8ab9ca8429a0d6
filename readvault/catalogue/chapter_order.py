"""A series' reading order (`Chapter.position`) and chapter numbers, set in bulk by the
operator: renumbering follows the reading order, sorting follows the numbers; and where an
imported chapter joins that order (`position_for_new`)."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from django.db import transaction
from django.db.models import F, Min
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
    return order_key(volume, chapter.number)


def order_key(volume: int | None, number: Decimal | None) -> tuple:
    """Where a chapter goes when sorted by number: by volume (a whole-volume file, without a
    number, first in its volume), chapters of no volume after every volume."""
    return (volume is None, volume or 0, number is not None, number or 0)


def position_for_new(series: Series, volume: int | None, number: Decimal | None) -> int:
    """The reading position of a chapter about to join `series` (call it inside the
    transaction that adds the chapter), making room for it.

    A series never sorted (every position 0) reads by number, so the new chapter takes 0 too.
    Otherwise it goes just after the last chapter, in reading order, that sorts before it by
    (volume, number): the chapters after that move down one, in one UPDATE. An order the
    operator arranged by hand stays as it is around the new chapter."""
    # Two imports into one series must not read the same positions (PostgreSQL; SQLite's
    # IMMEDIATE transactions hold the one write lock already).
    list(Series.objects.select_for_update().filter(pk=series.pk).values_list("pk"))
    chapters = Chapter.objects.filter(series=series)
    rows = list(
        page_roles.reading_order(chapters).values_list("position", "volume__number", "number")
    )
    if not any(position for position, _, _ in rows):
        return 0
    key = order_key(volume, number)
    before = [position for position, v, n in rows if order_key(v, n) <= key]
    at = before[-1] + 1 if before else rows[0][0]
    if at <= rows[-1][0]:
        chapters.filter(position__gte=at).update(
            position=F("position") + 1, updated_at=timezone.now()
        )
    return at


def _write(chapters: Iterable[Chapter], field: str) -> None:
    chapters = list(chapters)
    now = timezone.now()  # bulk_update skips auto_now
    for chapter in chapters:
        chapter.updated_at = now
    Chapter.objects.bulk_update(chapters, [field, "updated_at"], batch_size=BATCH)
