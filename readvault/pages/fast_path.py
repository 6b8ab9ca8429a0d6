"""nginx's page requests without Django's middleware (shadowvault.gateway_fast_paths): its
authorize subrequest and its page-cache fills on /pages/, which carry the gateway token.

The answer is the one the Django view gives (readvault.pages.delivery): both ask
readvault.pages.answers. The site comes from the Host header as TenantMiddleware finds it
(tenants.middleware.tenant_for_host), in the same thread hop as the answer's queries. A path
the view's route would not take, or a host no site owns, is left to Django.
"""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor

from asgiref.sync import sync_to_async
from django.db import DEFAULT_DB_ALIAS, close_old_connections, connections
from django.http import HttpRequest
from django.http.response import HttpResponseBase

from readvault.pages.answers import Decision, PageAsk, ask_of, decide, respond
from tenants.middleware import tenant_for_host

PREFIX = "/pages/"
# The route of readvault.pages.urls's "readvault-page" (Django's int and str converters).
PAGE_PATH = re.compile(r"/pages/([0-9]+)/([0-9]+)/([^/]+)")

# One thread runs every decision of this process, so they hold one database connection,
# kept and checked as Django keeps and checks it at a request's start and end
# (close_old_connections, CONN_MAX_AGE). Django's ASGI path runs each request's queries in a
# thread of that request's own. A decision is a millisecond or two of queries, and nginx's
# caches send only pages it does not hold.
_decisions = ThreadPoolExecutor(max_workers=1, thread_name_prefix="page-decisions")


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
        tenant = tenant_for_host(host)
        return None if tenant is None else decide(ask, tenant)
    finally:
        _settle_connection()


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
