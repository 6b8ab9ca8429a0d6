"""The websocket side of the ASGI application (shadowvault.asgi): the watch party's socket.

A websocket never passes through Django's middleware, so what the HTTP path settles there is
settled here again for a socket, the same way: the site from the Host header through the
same Domain lookup as tenants.middleware (an unknown host gets no site, and the consumer
refuses it), the session's user through Channels' AuthMiddlewareStack (the site's session
cookie), and the Origin, which must be the page's own site: a browser sends cookies with a
websocket to any origin's script, so without this check another site's page could act in a
party as its viewer (cross-site websocket hijacking).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Any
from urllib.parse import urlsplit

from channels.auth import AuthMiddlewareStack
from channels.db import database_sync_to_async
from channels.routing import URLRouter
from django.urls import path, re_path

from parties.consumer import PartyConsumer
from tenants.middleware import tenant_for_host

Scope = dict[str, Any]
Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[Mapping[str, Any]], Awaitable[None]]
App = Callable[[Scope, Receive, Send], Awaitable[None]]


def header(scope: Scope, name: bytes) -> str:
    for key, value in scope.get("headers", []):
        if key.lower() == name:
            return bytes(value).decode("latin-1")
    return ""


class SameOriginOnly:
    """Refuses the handshake (403) unless the Origin header names the Host it was sent to."""

    def __init__(self, inner: App) -> None:
        self.inner = inner

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "websocket" and not same_origin(
            header(scope, b"origin"), header(scope, b"host")
        ):
            await receive()  # the websocket.connect event
            await send({"type": "websocket.close", "code": 4403})
            return
        await self.inner(scope, receive, send)


def same_origin(origin: str, host: str) -> bool:
    """`https://a.test:8443` and Host `a.test:8443`: the same. Scheme-less, "null" or
    missing origins are refused (browsers always send one with a websocket)."""
    if not origin or not host:
        return False
    try:
        parts = urlsplit(origin)
    except ValueError:
        return False
    if parts.scheme not in {"http", "https"} or not parts.netloc:
        return False
    return parts.netloc.lower() == host.strip().lower()


class SiteFromHost:
    """Puts the request's site in scope["tenant"] (None for a host no active site owns)."""

    def __init__(self, inner: App) -> None:
        self.inner = inner

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        host = header(scope, b"host")
        # Channels' wrapper, not the async ORM: no request_started closes a stale database
        # connection in a long-lived socket process, so it closes old ones around the query.
        tenant = await database_sync_to_async(tenant_for_host)(host) if host else None
        await self.inner(dict(scope, tenant=tenant), receive, send)


async def no_such_socket(scope: Scope, receive: Receive, send: Send) -> None:
    """Any other websocket path: refused at the handshake (Channels' router would raise)."""
    await receive()
    await send({"type": "websocket.close", "code": 4404})


def websocket_application() -> App:
    routes = URLRouter(
        [
            path("party/ws/<str:code>/", PartyConsumer.as_asgi()),
            re_path(r"", no_such_socket),  # type: ignore[arg-type]  # an ASGI app, not a view
        ]
    )
    return SameOriginOnly(SiteFromHost(AuthMiddlewareStack(routes)))
