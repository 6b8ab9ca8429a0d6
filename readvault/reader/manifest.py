"""What the reader script loads for a chapter (`/read/<id>/pages.json`, and inside the
reader page itself): each page's size and signed links at the widths made, the chapter
before and after, the series' direction and the reader's saved settings and place.

A constant number of queries whatever the chapter holds: the pages, their made images in
one read (readvault.pages.links.variant_of takes them), the neighbours (two), and for a
member their settings and progress (one each).
"""

from __future__ import annotations

from collections import defaultdict

from django.conf import settings
from django.urls import reverse

from readvault.models import Chapter, Page, PageImage, ReaderSettings, ReadingProgress
from readvault.pages.links import page_uri, variant_of
from readvault.pages.variants import ORIGINAL, PAGE_WIDTHS, Variant
from readvault.reader.choices import stored_choices
from readvault.reader.neighbours import neighbours_of
from stored_media.signing import link_for_viewer
from tenants.access import is_member
from tenants.request_types import SiteRequest

THUMBNAIL_WIDTH = 200  # the page slider's pictures
FALLBACK_WIDTH = 800


def chapter_manifest(request: SiteRequest, chapter: Chapter) -> dict:
    """The manifest of `chapter` (from readvault.site.access.get_chapter_for) for the
    viewer of `request`."""
    pages = list(chapter.pages.order_by("index"))
    made: dict[int, list[PageImage]] = defaultdict(list)
    # Unordered: PageImage's default order (by page, then the page's by chapter) joins both.
    images = PageImage.objects.filter(page__chapter=chapter).order_by()
    for image in images.only("page_id", "width", "format"):
        made[image.page_id].append(image)
    around = neighbours_of(chapter)
    member = is_member(request)
    return {
        "chapter": _chapter_facts(chapter),
        "series": {
            "id": chapter.series_id,
            "title": chapter.series.title,
            "url": reverse("series-page", args=[chapter.series.slug]),
        },
        "direction": chapter.direction,
        "pages": [_page_facts(page, made[page.pk], request) for page in pages],
        "previous": _chapter_facts(around.previous) if around.previous else None,
        "next": _chapter_facts(around.next) if around.next else None,
        "member": member,
        "settings": _saved_settings(request, chapter) if member else None,
        "savedPage": _saved_page(request, chapter) if member else None,
        "linksExpireIn": settings.MEDIA_LINK_LIFETIME,
    }


def _chapter_facts(chapter: Chapter) -> dict:
    return {
        "id": chapter.pk,
        "label": chapter.label,
        "pageCount": chapter.page_count,
        "url": reverse("read-chapter", args=[chapter.pk]),
        "manifest": reverse("read-manifest", args=[chapter.pk]),
        "progress": reverse("read-progress", args=[chapter.pk]),
        "settings": reverse("read-settings", args=[chapter.pk]),
    }


def _page_facts(page: Page, images: list[PageImage], request: SiteRequest) -> dict:
    """One page: its size and a `srcset` of the widths made for reading (each the image a
    browser at that width needs, the original standing in for any not made yet)."""
    signed: dict[Variant, str] = {}  # the fallback and thumbnail are mostly srcset's links

    def link(variant: Variant) -> str:
        if variant not in signed:
            uri = page_uri(page.chapter_id, page.index, variant)
            signed[variant] = link_for_viewer(uri, request)
        return signed[variant]

    candidates: dict[str, int] = {}
    for width in (*(w for w in PAGE_WIDTHS if w < page.width), page.width):
        variant = variant_of(page, images, width)
        shown = variant.width if variant.format != ORIGINAL and variant.width else page.width
        candidates.setdefault(link(variant), shown)
    ordered = sorted(candidates.items(), key=lambda candidate: candidate[1])
    srcset = [{"url": url, "width": width} for url, width in ordered]
    return {
        "index": page.index,
        "width": page.width,
        "height": page.height,
        "isWide": page.is_wide,
        "srcset": srcset,
        # For browsers without srcset and the page without JavaScript: a screen's width.
        "src": link(variant_of(page, images, FALLBACK_WIDTH)),
        "thumbnail": link(variant_of(page, images, THUMBNAIL_WIDTH)),
    }


def _saved_settings(request: SiteRequest, chapter: Chapter) -> dict:
    row = (
        ReaderSettings.objects.for_tenant(request.tenant)
        .filter(user=request.user, series_id=chapter.series_id)
        .values_list("choices", flat=True)
        .first()
    )
    return stored_choices(row)


def _saved_page(request: SiteRequest, chapter: Chapter) -> int | None:
    return (
        ReadingProgress.objects.for_tenant(request.tenant)
        .filter(user=request.user, chapter=chapter)
        .values_list("page", flat=True)
        .first()
    )
