"""A party's room as a pure state machine: what the server knows and says (docs/watch-party.md).

No I/O here: `handle` takes the room, who sent what and the server's clock (milliseconds),
changes the room and returns the messages to send, each to the sender or to everyone. The
consumer (parties.consumer) loads and saves the room around it and does the sending, so the
protocol's rules are tested without a socket.

Why commands carry a future `at`: every client acts at the same server time (each converts it
with its own clock offset, measured by ping/pong), instead of when the message happens to
reach it, so a slow link delays nobody's picture. LEAD_MS is the margin that covers the
delivery of the message to the slowest member.
"""

from __future__ import annotations

import math
import unicodedata
from dataclasses import asdict, dataclass, field
from typing import Any, Literal, TypeGuard

LEAD_MS = 300  # a command is acted on this long after the server sends it
CHAT_MAX = 500  # characters in one chat line
MAX_POSITION = 7 * 24 * 3600.0  # seconds; no video here is a week long

Status = Literal["playing", "paused", "waiting"]
Audience = Literal["sender", "everyone"]
Message = dict[str, Any]


class Refused(Exception):
    """A message the room does not take; its text goes back to the sender as an error."""


@dataclass
class Member:
    name: str
    ready: bool = True
    buffering: bool = False
    connections: int = 1  # a member's tabs or a reconnect overlapping the dropped socket


@dataclass
class Room:
    status: Status = "paused"
    # The position (seconds) the video was at, or will be at, at server time `at` (ms).
    position: float = 0.0
    at: int = 0
    rate: float = 1.0
    # While waiting: whether the room plays again once everyone is ready.
    resume: bool = False
    members: dict[str, Member] = field(default_factory=dict)

    def position_at(self, now: int) -> float:
        if self.status != "playing":
            return self.position
        return max(self.position + (now - self.at) / 1000 * self.rate, 0.0)

    def as_state(self, now: int) -> Message:
        """The full state a joining (or returning) member starts from."""
        return {
            "type": "state",
            "status": self.status,
            "position": self.position,
            "at": self.at,
            "rate": self.rate,
            "server": now,
            "members": [
                {"id": key, "name": m.name, "ready": m.ready, "buffering": m.buffering}
                for key, m in self.members.items()
            ],
        }

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Room:
        members = {key: Member(**value) for key, value in data.pop("members", {}).items()}
        return cls(**data, members=members)


@dataclass(frozen=True)
class Sender:
    key: str  # the member's user id, as a string (JSON object keys)
    name: str
    may_control: bool


Outgoing = list[tuple[Audience, Message]]


def join(room: Room, who: Sender, now: int) -> Outgoing:
    """A socket of `who` opened: the state to it, and a presence line to everyone if it is
    the member's first socket. A late joiner lands at the room's position and counts as
    ready (its player reports buffering while it loads, like anyone's)."""
    member = room.members.get(who.key)
    if member is not None:
        member.connections += 1
        return [("sender", room.as_state(now))]
    room.members[who.key] = Member(name=who.name)
    return [
        ("sender", room.as_state(now)),
        ("everyone", {"type": "presence", "event": "joined", "member": _public(who)}),
    ]


def leave(room: Room, who: Sender, now: int) -> Outgoing:
    """A socket of `who` closed. The member goes with its last socket; a room waiting only
    for them plays on."""
    member = room.members.get(who.key)
    if member is None:
        return []
    member.connections -= 1
    if member.connections > 0:
        return []
    del room.members[who.key]
    out: Outgoing = [("everyone", {"type": "presence", "event": "left", "member": _public(who)})]
    return out + _release_if_all_ready(room, now)


def handle(room: Room, who: Sender, message: Any, now: int) -> Outgoing:
    """One message from a member. Raises Refused for anything the room does not take."""
    if not isinstance(message, dict):
        raise Refused("Send a JSON object with a type.")
    kind = message.get("type")
    handler = HANDLERS.get(kind) if isinstance(kind, str) else None
    if handler is None:
        names = ", ".join(sorted([*HANDLERS, "end"]))  # "end": the consumer's (parties.consumer)
        raise Refused(f"Unknown message type; use one of {names}.")
    if kind in CONTROL and not who.may_control:
        raise Refused("Only the host controls playback in this party.")
    return handler(room, who, message, now)


def _ping(room: Room, who: Sender, message: Message, now: int) -> Outgoing:
    # NTP-style sampling (docs/watch-party.md): the client keeps t0, and the server's clock
    # at the moment it answered; it measures the round trip itself.
    t0 = message.get("t0")
    if not _is_number(t0):
        raise Refused("A ping carries t0, the client's clock in milliseconds.")
    return [("sender", {"type": "pong", "t0": t0, "server": now})]


def _play(room: Room, who: Sender, message: Message, now: int) -> Outgoing:
    if room.status == "waiting":
        room.resume = True  # plays as soon as everyone is ready
        return _waiting_notice(room)
    if room.status == "playing":
        return []
    if not all(m.ready for m in room.members.values()):
        room.status, room.resume = "waiting", True
        return _waiting_notice(room)
    return _start(room, who, now)


def _pause(room: Room, who: Sender, message: Message, now: int) -> Outgoing:
    if room.status == "waiting":
        room.resume = False
        return _waiting_notice(room)
    at = now + LEAD_MS
    room.position, room.at, room.status = room.position_at(at), at, "paused"
    return [("everyone", _command("pause", room, who))]


def _seek(room: Room, who: Sender, message: Message, now: int) -> Outgoing:
    position = message.get("position")
    if not _is_number(position) or not 0 <= position <= MAX_POSITION:
        raise Refused("A seek carries position, in seconds from the start (0 or more).")
    # Everyone loads the new place; the room plays again (if it was playing) when all have
    # said "ready".
    room.resume = room.status == "playing" or (room.status == "waiting" and room.resume)
    room.status, room.position, room.at = "waiting", float(position), now + LEAD_MS
    for member in room.members.values():
        member.ready = False
    return [("everyone", _command("seek", room, who))]


def _buffering(room: Room, who: Sender, message: Message, now: int) -> Outgoing:
    member = _member(room, who)
    member.ready, member.buffering = False, True
    out: Outgoing = [("everyone", {"type": "buffering", "member": _public(who)})]
    if room.status == "playing":
        # Everyone holds where the room is now, until the member has caught up.
        room.position, room.at = room.position_at(now), now
        room.status, room.resume = "waiting", True
        out.append(("everyone", _command("pause", room, who)))
    return out


def _ready(room: Room, who: Sender, message: Message, now: int) -> Outgoing:
    member = _member(room, who)
    was_buffering = member.buffering
    member.ready, member.buffering = True, False
    out: Outgoing = []
    if was_buffering:
        out.append(("everyone", {"type": "ready", "member": _public(who)}))
    return out + _release_if_all_ready(room, now)


def _chat(room: Room, who: Sender, message: Message, now: int) -> Outgoing:
    text = message.get("text")
    if not isinstance(text, str):
        raise Refused("A chat message carries text.")
    # Control characters (and the invisible format ones, like bidi overrides) would let one
    # line rewrite how others read; the client escapes the rest when it shows it.
    cleaned = "".join(c for c in text if unicodedata.category(c)[0] != "C" or c == " ").strip()
    if not cleaned:
        raise Refused("A chat message needs some text.")
    if len(cleaned) > CHAT_MAX:
        raise Refused(f"A chat message is at most {CHAT_MAX} characters.")
    return [("everyone", {"type": "chat", "member": _public(who), "text": cleaned, "at": now})]


HANDLERS = {
    "ping": _ping,
    "play": _play,
    "pause": _pause,
    "seek": _seek,
    "buffering": _buffering,
    "ready": _ready,
    "chat": _chat,
}
CONTROL = frozenset({"play", "pause", "seek"})


def _start(room: Room, who: Sender | None, now: int) -> Outgoing:
    room.status, room.at, room.resume = "playing", now + LEAD_MS, False
    return [("everyone", _command("play", room, who))]


def _release_if_all_ready(room: Room, now: int) -> Outgoing:
    """A waiting room whose members are all ready plays again at a time in the near future,
    or stays paused where it is."""
    if room.status != "waiting" or not all(m.ready for m in room.members.values()):
        return []
    if room.resume:
        return _start(room, None, now)
    room.status, room.at = "paused", now
    return [("everyone", _command("pause", room, None))]


def _waiting_notice(room: Room) -> Outgoing:
    waiting_for = [m.name for m in room.members.values() if not m.ready]
    return [("everyone", {"type": "waiting", "for": waiting_for, "resume": room.resume})]


def _command(action: str, room: Room, who: Sender | None) -> Message:
    return {
        "type": "command",
        "action": action,
        "position": room.position,
        "at": room.at,
        "rate": room.rate,
        "by": _public(who) if who else None,
    }


def _member(room: Room, who: Sender) -> Member:
    # A stored room that expired under an open socket comes back without its members.
    return room.members.setdefault(who.key, Member(name=who.name))


def _public(who: Sender) -> dict[str, str]:
    return {"id": who.key, "name": who.name}


def _is_number(value: object) -> TypeGuard[int | float]:
    # bool is an int in Python; JSON's true is not a time.
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)
