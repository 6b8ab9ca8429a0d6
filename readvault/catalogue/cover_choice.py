"""Which page is a series' cover: the operator picks one of the first pages of its first
chapters (a cover is almost always among them); none chosen means the first page of the
first chapter."""

from __future__ import annotations

from readvault.models import Chapter, Page, Series
from readvault.pages import images as page_images
from readvault.pages.roles import reading_order

CHAPTERS_OFFERED = 3
PAGES_OFFERED = 6


class CoverRefused(ValueError):
    """The page cannot be the cover of that series."""


def cover_candidates(series: Series) -> list[Page]:
    """The first pages of the first chapters in reading order, and the current cover
    wherever it is. Two queries."""
    first = reading_order(Chapter.objects.filter(series=series))
    chapters = list(first.values_list("pk", flat=True)[:CHAPTERS_OFFERED])
    offered = Page.objects.filter(chapter_id__in=chapters, index__lt=PAGES_OFFERED)
    if series.cover_page_id is not None:
        offered = offered | Page.objects.filter(pk=series.cover_page_id, chapter__series=series)
    pages = list(offered.select_related("chapter__volume", "chapter__series"))
    order = {pk: i for i, pk in enumerate(chapters)}
    return sorted(pages, key=lambda page: (order.get(page.chapter_id, -1), page.index))


def set_cover(series: Series, page: Page | None) -> None:
    """Make `page` (one of the series' own pages) the cover; None goes back to the first
    page of the first chapter."""
    if page is not None and page.chapter.series_id != series.pk:
        raise CoverRefused(f"{page} is not a page of “{series}”.")
    series.cover_page = page
    series.save(update_fields=["cover_page", "updated_at"])
    if page is not None:
        page_images.queue_for(page.chapter)  # its cover widths are made in the background
