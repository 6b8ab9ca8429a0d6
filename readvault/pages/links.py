"""Signed links to pages, covers and chapter thumbnails, for the site, the API and the admin.

Each link names an image only when it is made: until then it names the original page
(`orig`), so a reader never waits for an encode. Links are signed like media links
(stored_media.signing, bound to the viewer's address where the site says so) over the path
alone, so nginx's page cache, keyed on the path, serves every viewer's link from one entry.

The functions read `page.images.all()`: prefetch `images` when making many links
(`chapter_page_urls` and `thumbnail_urls` do, in one query each).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.http import HttpRequest

from readvault.models import Chapter, Page, Series
from readvault.pages.roles import cover_page
from readvault.pages.variants import ALL_WIDTHS, AUTO, IMAGE_FORMATS, ORIGINAL, Variant
from stored_media.signing import link_for_viewer


def page_uri(chapter_id: int, index: int, variant: Variant | str) -> str:
    return f"/pages/{chapter_id}/{index}/{variant}"


def link_variant(page: Page, width: int | None = None, format: str = AUTO) -> Variant:
    """What a link for `page` shown `width` pixels wide names: the narrowest made image at
    least that wide (in `format`, or any for "auto"), else the original."""
    if format not in (AUTO, *IMAGE_FORMATS):
        raise ValueError(f"format must be auto, avif, webp or jpeg, not {format!r}")
    if width is None or width >= page.width:
        return Variant(ORIGINAL)
    made = {(image.width, image.format) for image in page.images.all()}
    for size in ALL_WIDTHS:
        if size < width or size >= page.width:
            continue
        if format == AUTO and any(made_width == size for made_width, _ in made):
            return Variant(AUTO, size)
        if (size, format) in made:
            return Variant(format, size)
    return Variant(ORIGINAL)


def page_url(page: Page, request: HttpRequest, width: int | None = None, format: str = AUTO) -> str:
    """A signed link to `page` for the viewer of `request`: the original without a width,
    else the image of at least `width` pixels (see `link_variant`)."""
    return link_for_viewer(
        page_uri(page.chapter_id, page.index, link_variant(page, width, format)), request
    )


def chapter_page_urls(
    chapter: Chapter, request: HttpRequest, width: int | None = None, format: str = AUTO
) -> list[str]:
    """Links to every page of `chapter` in order (two queries)."""
    pages = chapter.pages.order_by("index").prefetch_related("images")
    return [page_url(page, request, width, format) for page in pages]


def cover_url(series: Series, request: HttpRequest, width: int) -> str | None:
    """The series' cover about `width` pixels wide (300 and 600 are made); None when the
    series has no page yet."""
    page = cover_page(series)
    return page_url(page, request, width) if page is not None else None


def thumbnail_url(chapter: Chapter, request: HttpRequest, width: int) -> str | None:
    """The chapter's first page about `width` pixels wide (200 and 400 are made)."""
    page = chapter.pages.filter(index=0).prefetch_related("images").first()
    return page_url(page, request, width) if page is not None else None


def thumbnail_urls(chapters: Iterable[Chapter], request: HttpRequest, width: int) -> dict[int, str]:
    """Thumbnails of many chapters by chapter id (two queries), for chapter lists."""
    ids = [chapter.pk for chapter in chapters]
    pages = Page.objects.filter(chapter_id__in=ids, index=0).prefetch_related("images")
    return {page.chapter_id: page_url(page, request, width) for page in pages}
