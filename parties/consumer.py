"""The watch party's websocket: who may join, and the room's messages in and out.

The rules of the room are parties.room's; this loads the room, applies a message and sends
what the rules say, to the sender on its socket or to every member through the party's
channel-layer group (members may sit on other processes when the layer is Redis).
A message the room refuses, or one that is not JSON, gets {"type": "error"} back and the
socket stays open: a bad client never ends anyone's party.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from django.contrib.auth.models import AnonymousUser, User

from parties.joining import PartyRefused, party_for_socket
from parties.models import WatchParty
from parties.room import Outgoing, Refused, Room, Sender, handle, join, leave
from parties.room_store import room_store

MAX_FRAME = 4096  # characters; the longest chat line is far shorter
# Close codes (RFC 6455 leaves 4000-4999 to applications), read by the party client.
CLOSE_CODES = {"signed_out": 4401, "refused": 4403, "not_found": 4404, "ended": 4410}
ONLY_THE_HOST_ENDS = "Only the host ends the party."
# Room messages (all but pings) one socket may send in a second: a player sends a few per
# user action; more is a stuck or hostile client flooding every member's screen.
MESSAGES_PER_SECOND = 10
SLOW_DOWN = "Too many messages; wait a moment."


def now_ms() -> int:
    return int(time.time() * 1000)


class PartyConsumer(AsyncWebsocketConsumer):
    group: str = ""
    code: str = ""
    sender: Sender | None = None
    party: WatchParty | None = None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.recent: list[float] = []  # when this socket's last room messages came (monotonic)

    async def connect(self) -> None:
        user: User | AnonymousUser = self.scope.get("user") or AnonymousUser()
        code = self.scope["url_route"]["kwargs"]["code"]
        try:
            party, member = await database_sync_to_async(party_for_socket)(
                self.scope.get("tenant"), user, code
            )
        except PartyRefused as refused:
            await self.close(code=CLOSE_CODES[refused.reason])
            return
        self.group = f"party.{party.code}"
        self.sender = Sender(
            key=str(member.pk),
            name=member.get_username(),
            may_control=party.may_control(member.pk),
        )
        self.code, self.party = party.code, party
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()
        await self._change(lambda room, now: join(room, self._sender(), now))

    async def disconnect(self, code: int) -> None:
        if not self.group:
            return
        await self._change(lambda room, now: leave(room, self._sender(), now))
        await self.channel_layer.group_discard(self.group, self.channel_name)

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        if text_data is None or len(text_data) > MAX_FRAME:
            await self._error(f"Send JSON text frames of at most {MAX_FRAME} characters.")
            return
        try:
            message = json.loads(text_data)
        except (ValueError, RecursionError):  # RecursionError: nesting past Python's limit
            await self._error("That was not JSON.")
            return
        if isinstance(message, dict) and message.get("type") == "ping":
            # The clock samples skip the store: they are most of the traffic.
            await self._send_out(handle_ping(self._sender(), message))
            return
        if self._flooding():
            await self._error(SLOW_DOWN)
            return
        if isinstance(message, dict) and message.get("type") == "end":
            await self._end()
            return
        try:
            await self._change(lambda room, now: handle(room, self._sender(), message, now))
        except Refused as refused:
            await self._error(str(refused))

    async def party_message(self, event: dict[str, Any]) -> None:
        """A message to every member, from the group (channel-layer type "party.message"),
        as the sender serialised it once."""
        await self.send(text_data=event["text"])

    async def party_ended(self, event: dict[str, Any]) -> None:
        """The host ended the party: every member is told, and their socket closed."""
        await self.send(text_data=json.dumps({"type": "ended"}))
        await self.close(code=CLOSE_CODES["ended"])

    async def _end(self) -> None:
        party = self.party
        if party is None or party.host_id != int(self._sender().key):
            await self._error(ONLY_THE_HOST_ENDS)
            return
        # The invite link and the socket refuse an ended party from now on (parties.joining).
        await database_sync_to_async(party.end)()
        await self.channel_layer.group_send(self.group, {"type": "party.ended"})

    async def _change(self, rule: Callable[[Room, int], Outgoing]) -> None:
        """Apply `rule(room, now)` to the stored room, then send what it returned."""
        async with room_store().hold(self.code) as room:
            outgoing = rule(room, now_ms())
        await self._send_out(outgoing)

    async def _send_out(self, outgoing: Outgoing) -> None:
        for audience, message in outgoing:
            if audience == "sender":
                await self.send(text_data=json.dumps(message))
            else:
                # Serialised once for the whole group: the in-memory layer deep-copies what it
                # is given for every member, and a string costs nothing to copy.
                text = json.dumps(message)
                await self.channel_layer.group_send(
                    self.group, {"type": "party.message", "text": text}
                )

    async def _error(self, text: str) -> None:
        await self.send(text_data=json.dumps({"type": "error", "message": text}))

    def _flooding(self) -> bool:
        now = time.monotonic()
        self.recent = [t for t in self.recent if now - t < 1.0]
        self.recent.append(now)
        return len(self.recent) > MESSAGES_PER_SECOND

    def _sender(self) -> Sender:
        if self.sender is None:  # set in connect() before the socket is accepted
            raise RuntimeError("a message before the party was joined")
        return self.sender


_NO_ROOM = Room()  # a ping reads nothing of the room


def handle_ping(who: Sender, message: dict[str, Any]) -> Outgoing:
    """A ping needs no room: parties.room answers it from the message and the clock alone."""
    try:
        return handle(_NO_ROOM, who, message, now_ms())
    except Refused as refused:
        return [("sender", {"type": "error", "message": str(refused)})]
