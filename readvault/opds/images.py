"""Cover and thumbnail links for a feed's entries, at both widths a feed names, in a few
queries for the whole page (the covers' ids, the pages, their made images).

readvault.pages.links has the same per width (cover_urls, thumbnail_urls: three and two
queries each, and a queryset per page for its images); a feed wants two widths of each,
for fifty entries, on every request of a reader app, so it reads the rows once here and
signs both links from them."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence

from readvault.models import Chapter, Page, PageImage, Series
from readvault.pages.links import page_uri, variant_of
from readvault.pages.roles import cover_page_ids
from stored_media.signing import link_for_viewer
from tenants.request_types import SiteRequest


def cover_links(
    series_list: Sequence[Series], request: SiteRequest, widths: tuple[int, ...]
) -> dict[int, tuple[str, ...]]:
    """Links to each series' cover at `widths`, by series id (three queries: the covers'
    ids, their pages, their images); series without a page are left out. The ids are asked
    for the page's series only: as an annotation on the list's own query, PostgreSQL would
    work them out for every row an OFFSET skips."""
    covers = cover_page_ids(series.pk for series in series_list)
    by_page = {page_id: series_id for series_id, page_id in covers.items()}
    pages = list(Page.objects.filter(pk__in=list(by_page)).order_by())
    links = _signed(pages, request, widths)
    return {by_page[page_id]: found for page_id, found in links.items()}


def first_page_links(
    chapters: Iterable[Chapter], request: SiteRequest, widths: tuple[int, ...]
) -> dict[int, tuple[str, ...]]:
    """Links to each chapter's first page at `widths`, by chapter id."""
    ids = [chapter.pk for chapter in chapters]
    pages = list(Page.objects.filter(chapter_id__in=ids, index=0).order_by())
    by_page = {page.pk: page.chapter_id for page in pages}
    return {by_page[page_id]: found for page_id, found in _signed(pages, request, widths).items()}


def _signed(
    pages: list[Page], request: SiteRequest, widths: tuple[int, ...]
) -> dict[int, tuple[str, ...]]:
    if not pages:
        return {}
    made: dict[int, list[PageImage]] = defaultdict(list)
    # Unordered: the default order (by page, chapter, series) would join those for nothing.
    for image in PageImage.objects.filter(page_id__in=[page.pk for page in pages]).order_by():
        made[image.page_id].append(image)
    return {
        page.pk: tuple(
            link_for_viewer(
                page_uri(page.chapter_id, page.index, variant_of(page, made[page.pk], width)),
                request,
            )
            for width in widths
        )
        for page in pages
    }
