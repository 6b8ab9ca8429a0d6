"""nginx's page requests without Django's middleware (shadowvault.gateway_fast_paths): its
authorize subrequest and its page-cache fills on /pages/, which carry the gateway token.

The answer is the one the Django view gives (readvault.pages.delivery): both ask
readvault.pages.answers. The site comes from the Host header as TenantMiddleware finds it
(tenants.middleware.tenant_for_host), in the same thread hop as the answer's queries. A path
the view's route would not take, or a host no site owns, is left to Django.

A page fill (gateway token) comes only after nginx's authorize answer for this site and
chapter said yes, and its answer is the page's whatever the site: it asks the site only to
leave a host no site owns to Django. So the site a fill's host names is remembered for
SITE_MEMORY_SECONDS (the lookup was ~1.1 ms of a cold page here); the authorize answer always
looks the site up afresh, so hiding a series or binding links acts as before (nginx's ~10 s).
"""

from __future__ import annotations

import re
import time
from concurrent.futures import ThreadPoolExecutor

from asgiref.sync import sync_to_async
from django.db import DEFAULT_DB_ALIAS, close_old_connections, connections
from django.http import HttpRequest
from django.http.response import HttpResponseBase

from readvault.pages.answers import Decision, PageAsk, Via, ask_of, decide, respond
from tenants.middleware import tenant_for_host
from tenants.models import Tenant

PREFIX = "/pages/"
# The route of readvault.pages.urls's "readvault-page" (Django's int and str converters).
PAGE_PATH = re.compile(r"/pages/([0-9]+)/([0-9]+)/([^/]+)")

# One thread runs every decision of this process, so they hold one database connection,
# kept and checked as Django keeps and checks it at a request's start and end
# (close_old_connections, CONN_MAX_AGE). Django's ASGI path runs each request's queries in a
# thread of that request's own. A decision is a millisecond or two of queries, and nginx's
# caches send only pages it does not hold.
_decisions = ThreadPoolExecutor(max_workers=1, thread_name_prefix="page-decisions")

SITE_MEMORY_SECONDS = 5.0
# host -> (monotonic time found, its site), for page fills; only hosts a site owns, so it
# holds no more entries than the sites have names. Read and written by the one thread.
_fill_sites: dict[str, tuple[float, Tenant]] = {}


async def serve_gateway_page(request: HttpRequest) -> HttpResponseBase | None:
    """The answer to nginx's request, or None for Django to answer it."""
    match = PAGE_PATH.fullmatch(request.path_info)
    if match is None:
        return None
    ask = ask_of(request, int(match[1]), int(match[2]), match[3])
    decision = await _decide_in_thread(ask, request.get_host())
    return None if decision is None else await respond(ask, decision)


def _decide_on_host(ask: PageAsk, host: str) -> Decision | None:
    _settle_connection()
    try:
        tenant = _site_of_fill(host) if ask.via is Via.GATEWAY else tenant_for_host(host)
        # A suspended or closed site: Django's way answers, with its page (tenants.site_gate).
        if tenant is None or tenant.is_unavailable:
            return None
        return decide(ask, tenant)
    finally:
        _settle_connection()


def _site_of_fill(host: str) -> Tenant | None:
    now = time.monotonic()
    known = _fill_sites.get(host)
    if known is not None and now - known[0] < SITE_MEMORY_SECONDS:
        return known[1]
    tenant = tenant_for_host(host)
    if tenant is None:
        _fill_sites.pop(host, None)
    else:
        _fill_sites[host] = (now, tenant)
    return tenant


def forget_sites() -> None:
    """Forget the sites page fills' hosts named (tests, when sites change under them)."""
    _decisions.submit(_fill_sites.clear).result()


def _settle_connection() -> None:
    """What Django does at a request's start and end (close_old_connections), except that
    this thread keeps an SQLite connection while it works: opening one (the file, the WAL
    pragmas) was ~1.8 ms of a cold page's ~5 ms here, and a local file has no server that
    drops idle connections. It is closed after an error leaves it unusable."""
    connection = connections[DEFAULT_DB_ALIAS]
    if connection.vendor != "sqlite":
        close_old_connections()
    elif connection.errors_occurred and not connection.is_usable():
        connection.close()


_decide_in_thread = sync_to_async(_decide_on_host, thread_sensitive=False, executor=_decisions)


def close_connections() -> None:
    """Close the decisions thread's database connections (tests, before the database goes)."""
    _decisions.submit(connections.close_all).result()
