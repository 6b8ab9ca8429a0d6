"""Cover and thumbnail links for a feed's entries, at both widths a feed names, in a few
queries for the whole page (the covers' ids; the pages with their made images).

readvault.pages.links has the same per width (cover_urls, thumbnail_urls: three and two
queries each, and a queryset per page for its images); a feed wants two widths of each,
for fifty entries, on every request of a reader app, so it reads the rows once here and
signs both links from them."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import cast

from readvault.models import Chapter, Page, PageImage, Series
from readvault.pages.links import page_uri, variant_of
from readvault.pages.roles import cover_page_ids
from readvault.pages.variants import Variant
from stored_media.signing import link_for_viewer
from tenants.request_types import SiteRequest


def cover_links(
    series_list: Sequence[Series], request: SiteRequest, widths: tuple[int, ...]
) -> dict[int, tuple[str, ...]]:
    """Links to each series' cover at `widths`, by series id (two queries: the covers'
    ids, their pages with their images); series without a page are left out. The ids are asked
    for the page's series only: as an annotation on the list's own query, PostgreSQL would
    work them out for every row an OFFSET skips."""
    covers = cover_page_ids(series.pk for series in series_list)
    by_page = {page_id: series_id for series_id, page_id in covers.items()}
    links = _signed(_pages_with_images(pk__in=list(by_page)), request, widths)
    return {by_page[page_id]: found for page_id, found in links.items()}


def first_page_links(
    chapters: Iterable[Chapter], request: SiteRequest, widths: tuple[int, ...]
) -> dict[int, tuple[str, ...]]:
    """Links to each chapter's first page at `widths`, by chapter id."""
    ids = [chapter.pk for chapter in chapters]
    pages = _pages_with_images(chapter_id__in=ids, index=0)
    by_page = {page.pk: page.chapter_id for page in pages}
    return {by_page[page_id]: found for page_id, found in _signed(pages, request, widths).items()}


@dataclass
class _PageFacts:
    """What a link to a page needs of it and its made images (variant_of reads `width`
    of the page, `width` and `format` of its images), read without making models."""

    pk: int
    chapter_id: int
    index: int
    width: int
    made: list[_Made] = field(default_factory=list)


@dataclass(frozen=True)
class _Made:
    width: int
    format: str


def _pages_with_images(**lookups: object) -> list[_PageFacts]:
    """The pages `lookups` pick with their made images, in one query (a row per image,
    pages without one once)."""
    pages: dict[int, _PageFacts] = {}
    # Unordered: the default order (by chapter, index) would sort for nothing.
    rows = (
        Page.objects.filter(**lookups)
        .order_by()
        .values_list("pk", "chapter_id", "index", "width", "images__width", "images__format")
    )
    for pk, chapter_id, index, width, made_width, made_format in rows:
        page = pages.get(pk)
        if page is None:
            page = pages[pk] = _PageFacts(pk, chapter_id, index, width)
        if made_width is not None:
            page.made.append(_Made(made_width, made_format))
    return list(pages.values())


def _signed(
    pages: list[_PageFacts], request: SiteRequest, widths: tuple[int, ...]
) -> dict[int, tuple[str, ...]]:
    return {
        page.pk: tuple(
            link_for_viewer(
                page_uri(page.chapter_id, page.index, _variant(page, width)),
                request,
            )
            for width in widths
        )
        for page in pages
    }


def _variant(page: _PageFacts, width: int) -> Variant:
    # variant_of reads only the attributes _PageFacts and _Made have.
    return variant_of(cast(Page, page), cast(list[PageImage], page.made), width)
