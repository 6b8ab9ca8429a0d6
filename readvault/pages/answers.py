"""What the origin answers to a page link (`/pages/<chapter id>/<index>/<variant>`), whichever
way the request arrived: through Django (readvault.pages.delivery) or through the gateway's
lean path (readvault.pages.fast_path). One decision, two transports.

`decide` makes every query of the answer, synchronously, so a caller pays one thread hop for
them; `respond` reads the bytes (async, from any backend) and builds the response.

The bytes are a made image's stored object when one exists for the asked width and format,
else the original page, read with one ranged read of the chapter's archive
(readvault.pages.member_bytes). Nothing is decoded or encoded here.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from enum import Enum
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
from stored_media.authorize_cache import SERVE_CACHE_CONTROL
from stored_media.delivery import AUTHORIZE_HEADER, GATEWAY_HEADER, guarded, plain
from stored_media.media_types import served_type
from stored_media.models import StoredObject
from stored_media.storage import get_backend
from stored_media.storage.base import BackendUnavailable, ObjectMissing
from tenants.entitlements import site_allowance
from tenants.models import Tenant

logger = logging.getLogger(__name__)
_Response = TypeVar("_Response", bound=HttpResponseBase)

# A made image (or the original, when nothing better will ever be made for the link) never
# changes under its link; a stand-in for an image not made yet is kept a minute.
FINAL_CACHE_CONTROL = "public, max-age=31536000, immutable"
STAND_IN_CACHE_CONTROL = "public, max-age=60"
WHOLE_READ_LIMIT = 8 * 1024 * 1024  # larger pages (rare: a long webtoon strip) stream
MAX_ID = 2**63 - 1
MAX_INDEX = 2**31 - 1  # Page.index is a 32-bit column on PostgreSQL

NO_SUCH_PAGE = "No such page."


class Via(Enum):
    """Who asks: a viewer (its link is checked before deciding), or nginx (it checked the
    link) with its authorize token or its page-fetch (gateway) token."""

    VIEWER = "viewer"
    AUTHORIZE = "authorize"
    GATEWAY = "gateway"


@dataclass(frozen=True)
class PageAsk:
    """What a GET or HEAD of a page link asks."""

    chapter_id: int
    index: int
    variant: str
    via: Via
    query: str = ""
    accept: str = ""
    if_none_match: str = ""
    head: bool = False


@dataclass(frozen=True)
class Refused:
    status: int
    message: str


@dataclass(frozen=True)
class AuthorizeStatus:
    """nginx's auth_request answer: X-ShadowVault-Status "200", "403" or "404"."""

    status: str


@dataclass(frozen=True)
class Representation:
    content_type: str
    size: int
    etag: str
    final: bool
    negotiated: bool
    chunks: Callable[[], AsyncIterator[bytes]]
    what: str  # for logs


Decision = Refused | AuthorizeStatus | Representation


def ask_of(request: HttpRequest, chapter_id: int, index: int, variant: str) -> PageAsk:
    """What a GET or HEAD of the page link asks."""
    return PageAsk(
        chapter_id,
        index,
        variant,
        _via(request),
        query=request.META.get("QUERY_STRING", ""),
        accept=request.headers.get("Accept", ""),
        if_none_match=request.headers.get("If-None-Match", ""),
        head=request.method == "HEAD",
    )


def _via(request: HttpRequest) -> Via:
    if signing.is_gateway_token(request.headers.get(AUTHORIZE_HEADER, "")):
        return Via.AUTHORIZE
    if signing.is_gateway_token(request.headers.get(GATEWAY_HEADER, "")):
        return Via.GATEWAY
    return Via.VIEWER


def decide(ask: PageAsk, tenant: Tenant) -> Decision:
    """What to answer `ask` on `tenant`'s site (a viewer's link already checked)."""
    allowed = site_allowance(tenant)  # a page link names no reader: the site plan decides
    if not allowed.readvault:
        if ask.via is Via.AUTHORIZE:
            return AuthorizeStatus("403")
        return Refused(403, allowed.refusal("readvault"))
    if ask.via is Via.AUTHORIZE:
        return _authorize_status(ask, tenant)
    asked = parse_variant(ask.variant)
    if asked is None or ask.chapter_id > MAX_ID or ask.index > MAX_INDEX:
        return Refused(404, NO_SUCH_PAGE)
    page = _find_page(ask, tenant)
    if page is None:
        return Refused(404, NO_SUCH_PAGE)
    return _representation(page, asked, ask.accept)


def _authorize_status(ask: PageAsk, tenant: Tenant) -> AuthorizeStatus:
    """403 for an unbound link on a site that binds links, 404 for no such chapter here. It
    judges the chapter only, so nginx keeps one answer per site, chapter and binding for a
    few seconds and turning pages never reaches Python."""
    if not signing.link_allowed_on(tenant, ask.query):
        return AuthorizeStatus("403")
    if ask.chapter_id > MAX_ID:
        return AuthorizeStatus("404")
    shown = Chapter.objects.filter(visible_rule(tenant, "series__"), pk=ask.chapter_id)
    return AuthorizeStatus("200" if shown.exists() else "404")


def _find_page(ask: PageAsk, tenant: Tenant) -> Page | None:
    pages = Page.objects.select_related("chapter__archive", "chapter__series")
    if ask.via is not Via.GATEWAY:
        # nginx fetches a page only after its authorize answer for this site and chapter
        # said yes, and serves its cached copy only to sites whose answer says so: the
        # visibility query would decide nothing there.
        pages = pages.filter(visible_rule(tenant, "chapter__series__"))
    return pages.filter(chapter_id=ask.chapter_id, index=ask.index).first()


def _representation(page: Page, asked: Variant, accept: str) -> Representation:
    images: dict[str, PageImage] = {}
    planned: tuple[str, ...] = ()
    if asked.width is not None:
        found = PageImage.objects.filter(page=page, width=asked.width).select_related("stored")
        images = {image.format: image for image in found}
        roles = roles_of(page, asked.width)
        planned = planned_formats(roles, asked.width, settings.READVAULT_PAGE_AVIF)
    choice = choose(asked, set(images), planned, accept)
    if choice.image_format is not None:
        stored = images[choice.image_format].stored
        return Representation(
            served_type(stored.content_type),
            stored.size,
            stored.etag,
            choice.final,
            asked.negotiated,
            lambda: _stored_chunks(stored),
            f"image {stored.pk}",
        )
    archive = page.chapter.archive
    return Representation(
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


async def respond(ask: PageAsk, decision: Decision) -> HttpResponseBase:
    """The response to `ask`, as `decision` says: the bytes read here from storage."""
    if isinstance(decision, Refused):
        return plain(decision.status, decision.message)
    if isinstance(decision, AuthorizeStatus):
        # Always a 200, so nginx caches a refusal with the rest.
        response = HttpResponse(status=200)
        response["X-ShadowVault-Status"] = decision.status
        if decision.status == "200":  # used while nginx asks again; a refusal never is
            response["Cache-Control"] = SERVE_CACHE_CONTROL
        return guarded(response)
    return guarded(await _respond_with(ask, decision))


def _headers(response: _Response, answer: Representation) -> _Response:
    response["ETag"] = answer.etag
    response["Cache-Control"] = FINAL_CACHE_CONTROL if answer.final else STAND_IN_CACHE_CONTROL
    if answer.negotiated:
        response["Vary"] = "Accept"
    return response


async def _respond_with(ask: PageAsk, answer: Representation) -> HttpResponseBase:
    asked_tags = [tag.strip() for tag in ask.if_none_match.split(",")]
    if answer.etag in asked_tags or "*" in asked_tags:
        return _headers(HttpResponse(status=304), answer)
    response: HttpResponseBase
    if ask.head:
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
            return plain(404, NO_SUCH_PAGE)
        except (BackendUnavailable, TimeoutError) as exc:
            logger.error("storage failed for %s: %s", answer.what, exc)
            return plain(504, "The page storage did not answer in time; try again shortly.")
        except CorruptPage as exc:
            logger.error("%s", exc)
            return plain(502, "This page could not be read from its archive.")
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
