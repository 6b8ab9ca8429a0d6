"""Which page is a series' cover and which are chapter thumbnails: the pages that get small
images (and AVIF) besides the reading widths (readvault.pages.variants.planned_formats).

A chapter's thumbnail is its first page. A series' cover is the page the operator chose
(`Series.cover_page`), else the first page of its first chapter in reading order.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import F, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce

from readvault.models import Chapter, Page, Series
from readvault.pages.variants import COVER_WIDTHS, PageRoles


def reading_order(chapters: QuerySet[Chapter]) -> QuerySet[Chapter]:
    # NULL numbers (a whole volume in one file) sort last on SQLite and PostgreSQL alike.
    return chapters.order_by("position", F("number").asc(nulls_last=True), "id")


def first_chapter_id(series_id: int) -> int | None:
    chapters = reading_order(Chapter.objects.filter(series_id=series_id))
    return chapters.values_list("pk", flat=True).first()


def cover_page_id(series: Series) -> int | None:
    """The id of the series' cover page; None for a series without pages."""
    if series.cover_page_id is not None:
        return series.cover_page_id
    chapter_id = first_chapter_id(series.pk)
    if chapter_id is None:
        return None
    return Page.objects.filter(chapter_id=chapter_id, index=0).values_list("pk", flat=True).first()


def cover_id_of_series() -> Coalesce:
    """An expression for `Series` querysets: the id of the series' cover page (the rules of
    `cover_page_id`), NULL for a series without pages."""
    first_chapter = reading_order(Chapter.objects.filter(series_id=OuterRef(OuterRef("pk"))))
    # No ordering: Page's default (by chapter, by series) would join a second series table,
    # which the outer reference would then name instead of the series asked about.
    first_page = (
        Page.objects.filter(chapter_id=Subquery(first_chapter.values("pk")[:1]), index=0)
        .order_by()
        .values("pk")[:1]
    )
    return Coalesce(F("cover_page_id"), Subquery(first_page))


def cover_page_ids(series_ids: Iterable[int]) -> dict[int, int]:
    """The cover page id of each of many series, by series id, in one query; series without
    pages are left out."""
    rows = (
        Series.objects.filter(pk__in=list(series_ids))
        .annotate(cover_id=cover_id_of_series())
        .order_by()
        .values_list("pk", "cover_id")
    )
    return {series_id: page_id for series_id, page_id in rows if page_id is not None}


def cover_page(series: Series) -> Page | None:
    """The series' cover page, with its images prefetched; None for a series without pages."""
    page_id = cover_page_id(series)
    if page_id is None:
        return None
    return Page.objects.prefetch_related("images").filter(pk=page_id).first()


def roles_of(page: Page, width: int | None = None) -> PageRoles:
    """The roles of `page` (its chapter and series loaded), as far as they decide what is made
    at `width`: whether it is the cover is asked of the database only for a cover width."""
    series = page.chapter.series
    cover = False
    if width in COVER_WIDTHS:
        if series.cover_page_id is not None:
            cover = series.cover_page_id == page.pk
        elif page.index == 0:
            cover = first_chapter_id(series.pk) == page.chapter_id
    return PageRoles(page.width, is_thumbnail=page.index == 0, is_cover=cover)
