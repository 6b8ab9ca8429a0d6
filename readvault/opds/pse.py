"""PSE 1.2 page streaming: `/opds/pages/<chapter id>/<pageNumber>?width=<maxWidth>`, the
page `pageNumber` (0-based) of a chapter, at most `maxWidth` pixels wide when an image that
narrow is made, and only ever as JPEG, PNG or GIF (the spec's list).

The answer is a redirect to the page's signed /pages/ link (the gateway's page cache and
the origin's ranged reads serve it), naming either the original (when it is JPEG, PNG or
GIF) or a made JPEG. A WebP or AVIF original with no JPEG made yet is converted here (see
`_converted`). A GET records the reader's place (readvault.reading.progress.record_page), so
a chapter read in an app continues on the site and the other way round.
"""

from __future__ import annotations

import io

from asgiref.sync import async_to_sync
from django.http import Http404, HttpResponse, HttpResponseRedirect
from PIL import Image

from readvault.models import Chapter, Page
from readvault.opds.auth import catalogue_reader
from readvault.pages.links import page_uri
from readvault.pages.member_bytes import CorruptPage, read_page
from readvault.pages.variants import JPEG, ORIGINAL, Variant
from readvault.reading.progress import record_page
from readvault.site.access import get_chapter_for
from shadowvault.request_numbers import parse_bounded_int
from stored_media.delivery import guarded, plain
from stored_media.signing import link_for_viewer
from stored_media.storage.base import BackendUnavailable, ObjectMissing
from tenants.request_types import SiteRequest

STREAMABLE = {"jpeg", "png", "gif"}  # PSE 1.2: image/jpeg, image/gif or image/png only
MAX_WIDTH = 10_000
MAX_PAGE_INDEX = 2**31 - 1
CONVERTED_QUALITY = 85
# A literal template: some apps send the link without filling {maxWidth} in.
UNFILLED_WIDTH = "{maxWidth}"


@catalogue_reader
def stream_page(request: SiteRequest, chapter_id: str, page_number: str) -> HttpResponse:
    try:
        chapter = get_chapter_for(request, chapter_id)
    except Http404 as missing:
        return plain(404, str(missing))
    index = parse_bounded_int(page_number, 0, MAX_PAGE_INDEX)
    if index is None:
        return plain(400, "The page number is a whole number from 0 (the first page).")
    width = _max_width(request.GET.get("width"))
    if width is False:
        return plain(400, f"width is the largest width wanted, 1 to {MAX_WIDTH} pixels.")
    page = chapter.pages.filter(index=index).prefetch_related("images").first()
    if page is None or index >= chapter.page_count:
        return plain(404, f"This chapter has {chapter.page_count} pages, numbered from 0.")
    if request.method == "GET":
        record_page(request.tenant, request.user, chapter, index)
    variant = streamable_variant(page, width)
    if variant is None:
        return _converted(chapter, page, width)
    uri = page_uri(chapter.pk, page.index, variant)
    response = HttpResponseRedirect(link_for_viewer(uri, request))
    # Never kept: each fetch is the reader's place, and the signed link expires.
    response["Cache-Control"] = "private, no-store"
    return response


def _max_width(raw: str | None) -> int | bool | None:
    """The width asked for; None for none; False for a bad one."""
    if raw is None or raw == "" or raw == UNFILLED_WIDTH:
        return None
    width = parse_bounded_int(raw, 1, MAX_WIDTH)
    return False if width is None else width


def streamable_variant(page: Page, width: int | None) -> Variant | None:
    """What to send of `page` for a client at most `width` wide: the widest made JPEG that
    fits in `width` (below the page's own width), else the original when it is a PSE type,
    else any made JPEG (the narrowest: it is wider than asked, but a picture). None: nothing
    made and the original is WebP or AVIF."""
    made = sorted(image.width for image in page.images.all() if image.format == JPEG)
    fits = [size for size in made if size < page.width and (width is None or size <= width)]
    original_fits = width is None or width >= page.width
    if page.format in STREAMABLE and (original_fits or not fits):
        return Variant(ORIGINAL)
    if fits:
        return Variant(JPEG, fits[-1])
    return Variant(JPEG, made[0]) if made else None


def _converted(chapter: Chapter, page: Page, width: int | None) -> HttpResponse:
    """The page as a JPEG made now. The site never encodes on a request (the background task
    makes JPEGs of every page), but a PSE client cannot show WebP or AVIF and has no other
    way to get this page until that task has run: so for these pages only, once, we decode
    and encode here. Pages are capped at 80 megapixels on import, which bounds the work."""
    try:
        data = async_to_sync(read_page)(page, chapter.archive)
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            picture = image.convert("RGB")
    except (ObjectMissing, CorruptPage, OSError, ValueError):
        return plain(502, "This page could not be read from its archive.")
    except BackendUnavailable:
        return plain(504, "The page storage did not answer in time; try again shortly.")
    if width is not None and picture.width > width:
        picture.thumbnail((width, max(1, picture.height * width // picture.width)))
    out = io.BytesIO()
    picture.save(out, "JPEG", quality=CONVERTED_QUALITY)
    response = HttpResponse(out.getvalue(), content_type="image/jpeg")
    response["Cache-Control"] = "private, max-age=3600"
    return guarded(response)
