"""Watch party through the real ASGI path: the project under uvicorn (shadowvault.asgi's
router), straight and through the rendered nginx gateway (its websocket upgrade for
/party/ws/), with the `websockets` client a browser stands in for."""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

import pytest
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import InvalidStatus

from parties.room_store import MemoryRoomStore, use_store
from tests.factories import make_member
from tests.support.http_probe import fetch
from tests.support.party_sockets import film_party, session_cookie
from tests.support.serving import nginx_gateway, uvicorn_in_thread

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def fresh_rooms():
    use_store(MemoryRoomStore())
    yield
    use_store(None)


def open_socket(port: int, code: str, cookie: str, origin: str | None = None):
    return connect(
        f"ws://a.test:{port}/party/ws/{code}/",
        host="127.0.0.1",
        port=port,
        origin=origin or f"http://a.test:{port}",
        additional_headers={"Cookie": cookie},
        open_timeout=5,
    )


async def until(socket: ClientConnection, kind: str, **match: Any) -> dict[str, Any]:
    while True:
        message = json.loads(await asyncio.wait_for(socket.recv(), timeout=5))
        if message["type"] == kind and all(message.get(k) == v for k, v in match.items()):
            return message


async def a_seek_lands_on_both(port: int, code: str, cookies: list[str]) -> None:
    async with (
        open_socket(port, code, cookies[0]) as host,
        open_socket(port, code, cookies[1]) as guest,
    ):
        assert (await until(host, "state"))["status"] in {"paused", "playing"}
        await until(guest, "state")
        await host.send(json.dumps({"type": "play"}))
        await host.send(json.dumps({"type": "seek", "position": 60}))
        for member in (host, guest):
            assert (await until(member, "command", action="seek"))["position"] == 60
            await member.send(json.dumps({"type": "ready"}))
        for member in (host, guest):
            play = await until(member, "command", action="play")
            assert play["position"] == 60
            assert play["at"] > time.time() * 1000 - 50  # acted on together, a little later
        await guest.send(json.dumps({"type": "chat", "text": "same frame?"}))
        assert (await until(host, "chat"))["text"] == "same frame?"
        await host.send(json.dumps({"type": "ping", "t0": 1}))
        assert (await until(host, "pong"))["t0"] == 1


async def refused(port: int, code: str, cookie: str, origin: str | None = None) -> int:
    with pytest.raises(InvalidStatus) as refusal:
        async with open_socket(port, code, cookie, origin):
            pass
    return refusal.value.response.status_code


def test_two_members_watch_together_through_uvicorn_and_the_gateway(tmp_path, alpha, alice):
    carol = make_member("carol", alpha)
    party = film_party(alpha, alice)
    cookies = [session_cookie(alice, "a.test"), session_cookie(carol, "a.test")]
    with uvicorn_in_thread() as origin, nginx_gateway(tmp_path, origin) as gateway:
        for port in (origin, gateway):
            asyncio.run(a_seek_lands_on_both(port, party.code, cookies))
            assert asyncio.run(refused(port, party.code, cookies[0], "http://evil.example")) == 403
            assert asyncio.run(refused(port, "y" * 22, cookies[0])) == 403
        # HTTP through the same router as before: a visitor's invite link asks them to sign in.
        page = fetch(gateway, f"/party/{party.code}/")
        assert page.status == 302
        assert "login" in page.headers["location"]
