"""Watch-party sockets for tests: a party on a site, and members talking to it through
Channels' WebsocketCommunicator over the project's own websocket application (the Host,
Origin and session cookie a browser on that site would send)."""

from __future__ import annotations

from typing import Any

from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.test import Client

from parties.models import WatchParty
from parties.starting import start_party
from shadowvault.websockets import websocket_application
from tests.factories import film, film_file

TIMEOUT = 2  # seconds for one message; everything here is in one process


def film_party(site, host, control: str = WatchParty.Control.HOST) -> WatchParty:
    media = film_file(film(f"Party film {site.pk}"), duration_seconds=3600)
    return start_party(site, host, media, control)


def session_cookie(user, host: str) -> str:
    client = Client(HTTP_HOST=host)
    client.force_login(user)
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


def socket(
    code: str, user=None, host: str = "a.test", origin: str | None = None
) -> WebsocketCommunicator:
    headers = [(b"host", host.encode()), (b"origin", (origin or f"http://{host}").encode())]
    if user is not None:
        headers.append((b"cookie", session_cookie(user, host).encode()))
    return WebsocketCommunicator(websocket_application(), f"/party/ws/{code}/", headers=headers)


async def joined(communicator: WebsocketCommunicator) -> dict[str, Any]:
    """Connect; the state the room sends first."""
    connected, code = await communicator.connect(timeout=TIMEOUT)
    assert connected, f"refused with {code}"
    return await until(communicator, "state")


async def until(communicator: WebsocketCommunicator, kind: str, **match: Any) -> dict[str, Any]:
    """The next message of type `kind` (with the given fields), skipping others."""
    while True:
        message = await communicator.receive_json_from(timeout=TIMEOUT)
        if message["type"] == kind and all(message.get(k) == v for k, v in match.items()):
            return message


async def settled(communicator: WebsocketCommunicator) -> None:
    """Read whatever the socket has been sent so far (presence lines, say)."""
    while not await communicator.receive_nothing(timeout=0.1):
        await communicator.receive_from()
