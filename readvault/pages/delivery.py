"""GET/HEAD /pages/<chapter id>/<index>/<variant>: one page of a chapter, as a signed link
asks for it (variants: readvault.pages.variants), through Django.

Three kinds of request reach this view, as for /media/ (stored_media.delivery):
- nginx's auth_request (it carries the authorize token; nginx checked the signature): a 200
  whose X-ShadowVault-Status says whether this site may show the chapter (and accepts this
  link's binding);
- nginx's page fetch (the gateway token), after that answer said yes: the bytes, which nginx
  keeps in its page cache under the link's path (and Accept class), whatever its signature;
- a viewer, when no gateway is in front: signature and site are checked here.

nginx's two kinds usually take the lean path instead (readvault.pages.fast_path), which
skips the middleware; both ask readvault.pages.answers what to answer.
"""

from __future__ import annotations

from asgiref.sync import sync_to_async
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase

from readvault.pages.answers import NO_SUCH_PAGE, Via, ask_of, decide, respond
from stored_media.delivery import link_problem, plain
from tenants.request_types import SiteRequest


def not_a_page_link(request: HttpRequest) -> HttpResponse:
    """Any other path under /pages/: a plain 404, never the site's HTML 404 page."""
    return plain(404, NO_SUCH_PAGE)


async def serve_page(
    request: SiteRequest, chapter_id: int, index: int, variant: str
) -> HttpResponseBase:
    if request.method not in {"GET", "HEAD"}:
        response = plain(405, "Only GET and HEAD are allowed here.")
        response["Allow"] = "GET, HEAD"
        return response
    ask = ask_of(request, chapter_id, index, variant)
    if ask.via is Via.VIEWER and (problem := link_problem(request, "page")):
        return problem
    return await respond(ask, await sync_to_async(decide)(ask, request.tenant))
