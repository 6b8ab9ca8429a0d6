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

from readvault.models import Chapter, Page, PageImage, Series
from readvault.pages.roles import cover_id_of_series, cover_page, cover_page_ids
from readvault.pages.variants import ALL_WIDTHS, AUTO, IMAGE_FORMATS, ORIGINAL, Variant
from stored_media.signing import link_for_viewer


def page_uri(chapter_id: int, index: int, variant: Variant | str) -> str:
    return f"/pages/{chapter_id}/{index}/{variant}"


def link_variant(page: Page, width: int | None = None, format: str = AUTO) -> Variant:
    """What a link for `page` shown `width` pixels wide names: the narrowest made image at
    least that wide (in `format`, or any for "auto"), else the original."""
    return variant_of(page, page.images.all(), width, format)


def variant_of(
    page: Page, images: Iterable[PageImage], width: int | None, format: str = AUTO
) -> Variant:
    """`link_variant` with the page's `images` given (read in bulk for many pages)."""
    if format not in (AUTO, *IMAGE_FORMATS):
        raise ValueError(f"format must be auto, avif, webp or jpeg, not {format!r}")
    if width is None or width >= page.width:
        return Variant(ORIGINAL)
    made = {(image.width, image.format) for image in images}
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


def cover_urls(series_ids: Iterable[int], request: HttpRequest, width: int) -> dict[int, str]:
    """Covers of many series by series id, for lists of series: three queries whether or not
    any has a cover (the covers' ids, their pages, the pages' images), so a list's count
    does not depend on what it holds. Series without pages are left out."""
    ids = list(series_ids)
    if not ids:
        return {}
    covers = cover_page_ids(ids)
    chosen = (
        Series.objects.filter(pk__in=ids)
        .annotate(cover_id=cover_id_of_series())
        .order_by()
        .values("cover_id")
    )
    # Unordered: the default orders (by page, chapter, series) would join those for nothing.
    pages = {page.pk: page for page in Page.objects.filter(pk__in=chosen).order_by()}
    made: dict[int, list[PageImage]] = {page_id: [] for page_id in pages}
    for image in PageImage.objects.filter(page_id__in=chosen).order_by():
        made.setdefault(image.page_id, []).append(image)
    urls = {
        page_id: link_for_viewer(
            page_uri(page.chapter_id, page.index, variant_of(page, made[page_id], width)), request
        )
        for page_id, page in pages.items()
    }
    return {series_id: urls[page_id] for series_id, page_id in covers.items() if page_id in urls}


def thumbnail_url(chapter: Chapter, request: HttpRequest, width: int) -> str | None:
    """The chapter's first page about `width` pixels wide (200 and 400 are made)."""
    page = chapter.pages.filter(index=0).prefetch_related("images").first()
    return page_url(page, request, width) if page is not None else None


def thumbnail_urls(chapters: Iterable[Chapter], request: HttpRequest, width: int) -> dict[int, str]:
    """Thumbnails of many chapters by chapter id (two queries), for chapter lists."""
    ids = [chapter.pk for chapter in chapters]
    pages = Page.objects.filter(chapter_id__in=ids, index=0).prefetch_related("images")
    return {page.chapter_id: page_url(page, request, width) for page in pages}
