"""GET/HEAD /media/<id>/<name>: signed, ranged delivery of stored media (RFC 9110).

Three kinds of request reach this view:
- nginx's auth_request (it carries the authorize token; nginx checked the signature): a 200
  whose headers say whether the site may serve the object and, for local files, the path
  nginx sends itself;
- nginx's slice fetcher (it carries the gateway token): the bytes of the asked 1 MiB slice,
  with read-ahead for remote storage;
- a viewer, when no gateway is in front: the signature and the site are checked here and the
  bytes are streamed with back-pressure.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from typing import TypeVar
from urllib.parse import quote

from django.conf import settings
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.utils.http import http_date

from shadowvault.metrics.families import MEDIA_AUTHORIZATIONS, MEDIA_BYTES, MEDIA_STREAMS
from stored_media import ranges, signing
from stored_media.authorize_cache import SERVE_CACHE_CONTROL
from stored_media.media_types import MEDIA_CSP, kind_for_type, served_type
from stored_media.models import StoredObject
from stored_media.readahead import SliceBuffer, slice_buffer
from stored_media.storage import get_backend
from stored_media.storage.base import BackendUnavailable, ObjectMissing, StorageBackend
from tenants.request_types import SiteRequest

logger = logging.getLogger(__name__)
_Response = TypeVar("_Response", bound=HttpResponseBase)

GATEWAY_HEADER = "X-ShadowVault-Gateway"
AUTHORIZE_HEADER = "X-ShadowVault-Authorize"
CACHE_CONTROL = "public, max-age=86400, immutable"  # an object's bytes never change


def guarded(response: _Response) -> _Response:
    """Every answer on a media path (/media/, ReadVault's /pages/): no document, no sniffing."""
    response["Content-Security-Policy"] = MEDIA_CSP
    response["X-Content-Type-Options"] = "nosniff"
    return response


def plain(status: int, message: str) -> HttpResponse:
    """An error on a media path: its sentence as text, never the site's HTML error page."""
    response = HttpResponse(message + "\n", status=status, content_type="text/plain; charset=utf-8")
    return guarded(response)


def not_a_media_link(request: HttpRequest, rest: str = "") -> HttpResponse:
    """Any other path under /media/ (`/media//1/x`, `/media/./1/x`): a plain 404, never
    the site's HTML 404 page on the media path."""
    return plain(404, "No such media.")


def _carries_gateway_token(request: HttpRequest, header: str) -> bool:
    """nginx's subrequests prove themselves with the gateway token in `header`."""
    return signing.is_gateway_token(request.headers.get(header, ""))


def _authorize_answer(obj: StoredObject | None, backend: StorageBackend | None) -> HttpResponse:
    """For nginx's auth_request (the signature was checked there): always 200, with headers
    saying whether the site may serve the object and where nginx finds its bytes."""
    response = HttpResponse(status=200)
    if obj is None or backend is None:
        MEDIA_AUTHORIZATIONS.labels("none", "missing").inc()
        response["X-ShadowVault-Status"] = "404"
        return response
    path = _sendable_path(obj, backend)
    MEDIA_AUTHORIZATIONS.labels(obj.backend, "proxied" if path is None else "sendfile").inc()
    response["X-ShadowVault-Status"] = "200"
    # nginx may use this answer while it asks again once it runs out; a refusal, never.
    response["Cache-Control"] = SERVE_CACHE_CONTROL
    response["X-ShadowVault-Local"] = str(path) if path is not None else ""
    response["X-ShadowVault-Disposition"] = _disposition(obj)
    return response


def _authorize_refusal(obj: StoredObject) -> HttpResponse:
    """An unbound link on a site that binds links: a 200 (so nginx caches it with the rest)
    saying 403, which @slices turns into "This media link is not valid."."""
    MEDIA_AUTHORIZATIONS.labels(obj.backend, "refused").inc()
    response = HttpResponse(status=200)
    response["X-ShadowVault-Status"] = "403"
    return response


def _sendable_path(obj: StoredObject, backend: StorageBackend):
    """The file nginx may send itself: one part, on local disk, and named with its stored
    kind's suffix, since nginx types a file by its suffix (allow-listed kinds only). Any
    other object (an older key keeping its source's `.html`) goes through the slice path,
    where this view sets the type."""
    kind = kind_for_type(obj.content_type)
    path = backend.local_path(obj.key) if len(obj.part_list) == 1 else None
    if path is None or kind is None or path.suffix.lower() != kind.suffix:
        return None
    return path


def _disposition(obj: StoredObject) -> str:
    # inline, with an ASCII name and the RFC 6266 UTF-8 form; never a storage key or URL.
    return f"inline; filename=\"{obj.link_name}\"; filename*=UTF-8''{quote(obj.display_name)}"


def link_problem(request: SiteRequest, noun: str = "media") -> HttpResponse | None:
    """Why a viewer's signed link (a "media" or a "page" link) is refused on this site, as
    the answer to send; None when it is good."""
    query = request.META.get("QUERY_STRING", "")
    if not signing.link_allowed_on(request.tenant, query):
        return plain(403, f"This {noun} link is not valid.")
    ip = signing.viewer_address(request) if signing.is_bound(query) else None
    check = signing.verify(request.path, request.GET.get("md5"), request.GET.get("expires"), ip)
    if check is signing.LinkCheck.BAD:
        return plain(403, f"This {noun} link is not valid.")
    if check is signing.LinkCheck.EXPIRED:
        return plain(410, f"This {noun} link has expired; reload the page for a new one.")
    return None


async def stream_media(request: SiteRequest, object_id: int, name: str) -> HttpResponseBase:
    return guarded(await _answer(request, object_id, name))


async def _answer(request: SiteRequest, object_id: int, name: str) -> HttpResponseBase:
    if request.method not in {"GET", "HEAD"}:
        response = plain(405, "Only GET and HEAD are allowed here.")
        response["Allow"] = "GET, HEAD"
        return response
    from_gateway = _carries_gateway_token(request, GATEWAY_HEADER)
    authorizing = _carries_gateway_token(request, AUTHORIZE_HEADER)
    if not (from_gateway or authorizing) and (problem := link_problem(request)):
        return problem
    obj = await _find(request, object_id, from_gateway and not authorizing)
    if obj is None or obj.link_name != name:
        return _authorize_answer(None, None) if authorizing else plain(404, "No such media.")
    backend = get_backend(obj.backend)
    if authorizing:
        if not signing.link_allowed_on(request.tenant, request.META.get("QUERY_STRING", "")):
            return _authorize_refusal(obj)
        return _authorize_answer(obj, backend)
    return await _serve_bytes(request, obj, backend, from_gateway)


async def _find(request: SiteRequest, object_id: int, from_gateway: bool) -> StoredObject | None:
    if from_gateway:
        # nginx fetches a slice only after its auth_request for this link and host said the
        # site may serve the object (the authorize answer below, cached a few seconds), and
        # it serves the cached slice to every site whose answer says so: judging the site
        # again here decides nothing. The visibility query is the costliest part of this
        # view (~10 ms to build on these machines, against ~5 ms for a 1 MiB ranged GET
        # from S3), so the slice fetch reads the row by id alone.
        return await StoredObject.objects.filter(pk=object_id).afirst()
    return await StoredObject.objects.visible_on(request.tenant).filter(pk=object_id).afirst()


def _identity_headers(response: HttpResponseBase, obj: StoredObject) -> HttpResponseBase:
    # The stored type, if it is on the allow-list: a row set to text/html by hand (or left
    # by an older version) goes out as bytes to download, never as a document.
    response["Content-Type"] = served_type(obj.content_type)
    response["Content-Disposition"] = _disposition(obj)
    response["Cache-Control"] = CACHE_CONTROL
    return guarded(response)


async def _serve_bytes(
    request: HttpRequest, obj: StoredObject, backend: StorageBackend, from_gateway: bool = False
):
    if_none_match = request.headers.get("If-None-Match", "")
    if obj.etag in [tag.strip() for tag in if_none_match.split(",")]:
        return _validators(HttpResponse(status=304), obj)
    plan = ranges.plan_ranges(
        request.headers.get("Range") if request.method in {"GET", "HEAD"} else None,
        obj.size,
        if_range=request.headers.get("If-Range"),
        etag=obj.etag,
        last_modified=obj.updated_at,
    )
    if plan.status == 416:
        response = plain(416, "The requested range is outside the file.")
        response["Content-Range"] = ranges.unsatisfiable_content_range(obj.size)
        return _validators(response, obj)
    if len(plan.ranges) > 1:
        return await _multipart(request, obj, backend, plan.ranges)
    span = plan.ranges[0] if plan.ranges else ranges.ByteRange(0, obj.size)
    if from_gateway and SliceBuffer.is_slice_request(span.start, span.stop, obj.size):
        body = slice_buffer().read(backend, obj, span.start)  # nginx's slice fetcher
    else:
        body = _read(backend, obj, span.start, span.stop)
    response = await _respond(request, obj, body, plan.status, span.length)
    if plan.status == 206:
        response["Content-Range"] = span.content_range(obj.size)
    return response


def _validators(response: HttpResponseBase, obj: StoredObject) -> HttpResponseBase:
    response["ETag"] = obj.etag
    response["Last-Modified"] = http_date(obj.updated_at.timestamp())
    response["Accept-Ranges"] = "bytes"
    return response


async def _multipart(request, obj, backend, spans) -> HttpResponse:
    part_type = served_type(obj.content_type)
    layout = ranges.multipart_layout(spans, obj.size, part_type, ranges.multipart_boundary())

    async def body() -> AsyncIterator[bytes]:
        for header, span in layout.parts:
            yield header
            async for chunk in _read(backend, obj, span.start, span.stop):
                yield chunk
        yield layout.closing

    response = await _respond(request, obj, body(), 206, layout.content_length)
    response["Content-Type"] = layout.content_type
    return response


async def _read(backend: StorageBackend, obj: StoredObject, start: int, stop: int):
    async for chunk in backend.read_range(
        obj.key, obj.part_list, start, stop, settings.STREAM_CHUNK_SIZE
    ):
        yield chunk


async def _respond(request, obj, body: AsyncIterator[bytes], status: int, length: int):
    """Start the backend read before sending headers, so a missing object is a 404 and a
    dead backend a 504, never a 200 that breaks off."""
    iterator = aiter(body)
    try:
        first = await asyncio.wait_for(anext(iterator, b""), settings.STREAM_BACKEND_TIMEOUT)
    except ObjectMissing as exc:
        logger.error("stored object %s missing from %s: %s", obj.pk, obj.backend, exc)
        return plain(404, "No such media.")
    except (BackendUnavailable, TimeoutError) as exc:
        logger.error("storage backend %s failed for object %s: %s", obj.backend, obj.pk, exc)
        return plain(504, "The media storage did not answer in time; try again shortly.")
    response: HttpResponseBase
    if request.method == "HEAD":
        await _close(iterator)
        response = HttpResponse(status=status)
    else:
        body = _counted(obj.backend, _prepend(first, iterator))
        response = StreamingHttpResponse(body, status=status)
    response["Content-Length"] = str(length)
    return _validators(_identity_headers(response, obj), obj)


async def _prepend(first: bytes, rest: AsyncIterator[bytes]) -> AsyncIterator[bytes]:
    try:
        if first:
            chunk, first = first, b""  # hold no reference to it for the rest of the response
            yield chunk
        async for chunk in rest:
            yield chunk
    finally:
        # The viewer went away (Django cancels the response) or we finished: close the
        # backend read so no more bytes are fetched for nobody.
        await _close(rest)


async def _counted(backend: str, body: AsyncIterator[bytes]) -> AsyncIterator[bytes]:
    """The body, counted: a stream in flight while it runs, and its bytes, by backend."""
    streams, sent = MEDIA_STREAMS.labels(backend), MEDIA_BYTES.labels(backend)
    streams.inc()
    try:
        async for chunk in body:
            sent.inc(len(chunk))
            yield chunk
    finally:
        streams.dec()
        await _close(body)


async def _close(iterator: AsyncIterator[bytes]) -> None:
    """Close a backend read (an async generator) early; a plain iterator has nothing to close."""
    close = getattr(iterator, "aclose", None)
    if close is not None:
        await close()
