"""GET/HEAD /pages/<chapter id>/<index>/<variant>: one page of a chapter, as a signed link
asks for it (variants: readvault.pages.variants).

Three kinds of request reach this view, as for /media/ (stored_media.delivery):
- nginx's auth_request (it carries the authorize token; nginx checked the signature): a 200
  whose X-ShadowVault-Status says whether this site may show the chapter (and accepts this
  link's binding). It judges the chapter only, so nginx keeps one answer per site, chapter and
  binding for a few seconds and turning pages never reaches Python;
- nginx's page fetch (the gateway token), after that answer said yes: the bytes, which nginx
  keeps in its page cache under the link's path (and Accept class), whatever its signature;
- a viewer, when no gateway is in front: signature and site are checked here.

The bytes are a made image's stored object when one exists for the asked width and format,
else the original page, read with one ranged read of the chapter's archive
(readvault.pages.member_bytes). Nothing is decoded or encoded here.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import logging
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import TypeVar

from django.conf import settings
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase

from readvault.models import Chapter, Page, PageImage
from readvault.models.library import visible_rule
from readvault.pages.member_bytes import CorruptPage, close, page_chunks
from readvault.pages.roles import roles_of
from readvault.pages.variants import Variant, choose, content_type, parse_variant, planned_formats
from stored_media import signing
from stored_media.delivery import AUTHORIZE_HEADER, GATEWAY_HEADER
from stored_media.media_types import MEDIA_CSP, served_type
from stored_media.models import StoredObject
from stored_media.storage import get_backend
from stored_media.storage.base import BackendUnavailable, ObjectMissing
from tenants.request_types import SiteRequest

logger = logging.getLogger(__name__)
_Response = TypeVar("_Response", bound=HttpResponseBase)

# A made image (or the original, when nothing better will ever be made for the link) never
# changes under its link; a stand-in for an image not made yet is kept a minute.
FINAL_CACHE_CONTROL = "public, max-age=31536000, immutable"
STAND_IN_CACHE_CONTROL = "public, max-age=60"
WHOLE_READ_LIMIT = 8 * 1024 * 1024  # larger pages (rare: a long webtoon strip) stream
MAX_ID = 2**63 - 1
MAX_INDEX = 2**31 - 1  # Page.index is a 32-bit column on PostgreSQL

NOT_VALID = "This page link is not valid."
EXPIRED = "This page link has expired; reload the page for a new one."
NO_SUCH_PAGE = "No such page."


def _guarded(response: _Response) -> _Response:
    response["Content-Security-Policy"] = MEDIA_CSP
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _plain(status: int, message: str) -> HttpResponse:
    response = HttpResponse(message + "\n", status=status, content_type="text/plain; charset=utf-8")
    return _guarded(response)


def not_a_page_link(request: HttpRequest) -> HttpResponse:
    """Any other path under /pages/: a plain 404, never the site's HTML 404 page."""
    return _plain(404, NO_SUCH_PAGE)


async def serve_page(
    request: SiteRequest, chapter_id: int, index: int, variant: str
) -> HttpResponseBase:
    return _guarded(await _answer(request, chapter_id, index, variant))


async def _answer(
    request: SiteRequest, chapter_id: int, index: int, variant: str
) -> HttpResponseBase:
    if request.method not in {"GET", "HEAD"}:
        response = _plain(405, "Only GET and HEAD are allowed here.")
        response["Allow"] = "GET, HEAD"
        return response
    if _carries_gateway_token(request, AUTHORIZE_HEADER):
        return await _authorize_answer(request, chapter_id)
    from_gateway = _carries_gateway_token(request, GATEWAY_HEADER)
    if not from_gateway and (problem := _link_problem(request)):
        return problem
    asked = parse_variant(variant)
    if asked is None or chapter_id > MAX_ID or index > MAX_INDEX:
        return _plain(404, NO_SUCH_PAGE)
    page = await _find_page(request, chapter_id, index, from_gateway)
    if page is None:
        return _plain(404, NO_SUCH_PAGE)
    answer = await _representation(page, asked, request.headers.get("Accept", ""))
    return await _respond(request, answer)


def _carries_gateway_token(request: HttpRequest, header: str) -> bool:
    sent = request.headers.get(header, "")
    return bool(sent) and hmac.compare_digest(sent, signing.gateway_token())


def _link_problem(request: SiteRequest) -> HttpResponse | None:
    query = request.META.get("QUERY_STRING", "")
    if not signing.link_allowed_on(request.tenant, query):
        return _plain(403, NOT_VALID)
    ip = signing.viewer_address(request) if signing.is_bound(query) else None
    check = signing.verify(request.path, request.GET.get("md5"), request.GET.get("expires"), ip)
    if check is signing.LinkCheck.BAD:
        return _plain(403, NOT_VALID)
    if check is signing.LinkCheck.EXPIRED:
        return _plain(410, EXPIRED)
    return None


async def _authorize_answer(request: SiteRequest, chapter_id: int) -> HttpResponse:
    """Always a 200 (so nginx caches a refusal with the rest); X-ShadowVault-Status says 200,
    403 (an unbound link on a site that binds links) or 404 (no such chapter here)."""
    response = HttpResponse(status=200)
    if not signing.link_allowed_on(request.tenant, request.META.get("QUERY_STRING", "")):
        status = "403"
    elif chapter_id > MAX_ID:
        status = "404"
    else:
        shown = Chapter.objects.filter(visible_rule(request.tenant, "series__"), pk=chapter_id)
        status = "200" if await shown.aexists() else "404"
    response["X-ShadowVault-Status"] = status
    return response


async def _find_page(
    request: SiteRequest, chapter_id: int, index: int, from_gateway: bool
) -> Page | None:
    pages = Page.objects.select_related("chapter__archive", "chapter__series")
    if not from_gateway:
        # nginx fetches a page only after its authorize answer for this site and chapter
        # said yes, and serves its cached copy only to sites whose answer says so: the
        # visibility query would decide nothing there.
        pages = pages.filter(visible_rule(request.tenant, "chapter__series__"))
    return await pages.filter(chapter_id=chapter_id, index=index).afirst()


@dataclass(frozen=True)
class _Representation:
    content_type: str
    size: int
    etag: str
    final: bool
    negotiated: bool
    chunks: Callable[[], AsyncIterator[bytes]]
    what: str  # for logs


async def _representation(page: Page, asked: Variant, accept: str) -> _Representation:
    images: dict[str, PageImage] = {}
    planned: tuple[str, ...] = ()
    if asked.width is not None:
        found = PageImage.objects.filter(page=page, width=asked.width).select_related("stored")
        images = {image.format: image async for image in found}
        roles = await roles_of(page, asked.width)
        planned = planned_formats(roles, asked.width, settings.READVAULT_PAGE_AVIF)
    choice = choose(asked, set(images), planned, accept)
    if choice.image_format is not None:
        stored = images[choice.image_format].stored
        return _Representation(
            served_type(stored.content_type),
            stored.size,
            stored.etag,
            choice.final,
            asked.negotiated,
            lambda: _stored_chunks(stored),
            f"image {stored.pk}",
        )
    archive = page.chapter.archive
    return _Representation(
        content_type(page.format),
        page.size,
        _original_etag(page, archive),
        choice.final,
        asked.negotiated,
        lambda: page_chunks(page, archive),
        f"page {page.pk}",
    )


def _original_etag(page: Page, archive: StoredObject) -> str:
    # Stored bytes never change under a key, so the key and the member's place name them.
    basis = f"page:{archive.backend}:{archive.key}:{page.data_offset}:{page.size}"
    return f'"{hashlib.sha256(basis.encode()).hexdigest()[:32]}"'


async def _stored_chunks(stored: StoredObject) -> AsyncIterator[bytes]:
    backend = get_backend(stored.backend)
    chunks = backend.read_range(stored.key, stored.part_list, 0, stored.size)
    try:
        async for chunk in chunks:
            yield chunk
    finally:
        await close(chunks)


def _headers(response: _Response, answer: _Representation) -> _Response:
    response["ETag"] = answer.etag
    response["Cache-Control"] = FINAL_CACHE_CONTROL if answer.final else STAND_IN_CACHE_CONTROL
    if answer.negotiated:
        response["Vary"] = "Accept"
    return response


async def _respond(request: HttpRequest, answer: _Representation) -> HttpResponseBase:
    asked_tags = [tag.strip() for tag in request.headers.get("If-None-Match", "").split(",")]
    if answer.etag in asked_tags or "*" in asked_tags:
        return _headers(HttpResponse(status=304), answer)
    response: HttpResponseBase
    if request.method == "HEAD":
        response = HttpResponse(status=200)
    else:
        # A page (a few hundred KB) is read whole before the headers go out: a missing
        # archive is a 404, a dead backend a 504, bad deflate data a 502, never a 200 that
        # breaks off. Only an outsized one streams after its first bytes.
        whole = answer.size <= WHOLE_READ_LIMIT
        chunks = aiter(answer.chunks())
        try:
            first = await asyncio.wait_for(
                _joined(chunks) if whole else anext(chunks, b""), settings.STREAM_BACKEND_TIMEOUT
            )
        except ObjectMissing as exc:
            logger.error("%s missing from storage: %s", answer.what, exc)
            return _plain(404, NO_SUCH_PAGE)
        except (BackendUnavailable, TimeoutError) as exc:
            logger.error("storage failed for %s: %s", answer.what, exc)
            return _plain(504, "The page storage did not answer in time; try again shortly.")
        except CorruptPage as exc:
            logger.error("%s", exc)
            return _plain(502, "This page could not be read from its archive.")
        response = HttpResponse(first) if whole else StreamingHttpResponse(_prepend(first, chunks))
    response["Content-Type"] = answer.content_type
    response["Content-Length"] = str(answer.size)
    return _headers(response, answer)


async def _joined(chunks: AsyncIterator[bytes]) -> bytes:
    return b"".join([chunk async for chunk in chunks])


async def _prepend(first: bytes, rest: AsyncIterator[bytes]) -> AsyncIterator[bytes]:
    try:
        if first:
            yield first
        async for chunk in rest:
            yield chunk
    except CorruptPage as exc:
        # Past the first bytes the headers are gone: end the answer short (the client sees
        # fewer bytes than Content-Length and caches nothing).
        logger.error("%s", exc)
        raise
    finally:
        await close(rest)
