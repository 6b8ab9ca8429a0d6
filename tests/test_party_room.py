"""The watch party's rules (parties.room), without a socket: what the server answers to each
message, and to whom. The socket tests (test_party_socket.py) check the same through
Channels; these pin the timing and the waiting rules exactly."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from parties.room import (
    CHAT_MAX,
    LEAD_MS,
    Refused,
    Room,
    Sender,
    handle,
    join,
    leave,
)

HOST = Sender("1", "hana", may_control=True)
GUEST = Sender("2", "gus", may_control=False)
PEER = Sender("3", "pia", may_control=True)
NOW = 1_700_000_000_000


def room_with(*members: Sender) -> Room:
    room = Room()
    for member in members:
        join(room, member, NOW)
    return room


def to_everyone(outgoing) -> list[dict]:
    return [message for audience, message in outgoing if audience == "everyone"]


def test_a_joiner_gets_the_full_state_and_everyone_hears_of_them():
    room = room_with(HOST)
    out = join(room, GUEST, NOW + 5)
    assert out[0] == ("sender", room.as_state(NOW + 5))
    assert out[0][1]["members"] == [
        {"id": "1", "name": "hana", "ready": True, "buffering": False},
        {"id": "2", "name": "gus", "ready": True, "buffering": False},
    ]
    assert out[1] == (
        "everyone",
        {"type": "presence", "event": "joined", "member": {"id": "2", "name": "gus"}},
    )


def test_a_late_joiner_lands_at_the_rooms_position_now():
    room = room_with(HOST)
    handle(room, HOST, {"type": "play"}, NOW)
    later = NOW + LEAD_MS + 10_000
    state = join(room, GUEST, later)[0][1]
    assert state["status"] == "playing"
    assert state["position"] + (state["server"] - state["at"]) / 1000 == pytest.approx(10.0)


def test_a_ping_is_answered_with_the_servers_clock():
    out = handle(Room(), HOST, {"type": "ping", "t0": 123.5}, NOW)
    assert out == [("sender", {"type": "pong", "t0": 123.5, "server": NOW})]


def test_play_is_a_command_to_everyone_at_a_time_in_the_near_future():
    room = room_with(HOST, GUEST)
    (command,) = to_everyone(handle(room, HOST, {"type": "play"}, NOW))
    assert command["type"] == "command"
    assert command["action"] == "play"
    assert command["at"] == NOW + LEAD_MS
    assert command["position"] == 0.0
    assert room.status == "playing"


def test_pause_says_where_everyone_stops():
    room = room_with(HOST)
    handle(room, HOST, {"type": "play"}, NOW)
    (command,) = to_everyone(handle(room, HOST, {"type": "pause"}, NOW + LEAD_MS + 4000))
    assert command["action"] == "pause"
    assert command["at"] == NOW + 2 * LEAD_MS + 4000
    assert command["position"] == pytest.approx(4.0 + LEAD_MS / 1000)
    assert room.status == "paused"


def test_a_seek_waits_until_everyone_is_ready_then_plays_in_the_near_future():
    room = room_with(HOST, GUEST)
    handle(room, HOST, {"type": "play"}, NOW)
    (seek,) = to_everyone(handle(room, HOST, {"type": "seek", "position": 600}, NOW + 1000))
    assert (seek["action"], seek["position"], seek["at"]) == ("seek", 600.0, NOW + 1000 + LEAD_MS)
    assert room.status == "waiting"
    assert to_everyone(handle(room, HOST, {"type": "ready"}, NOW + 1500)) == []
    (play,) = to_everyone(handle(room, GUEST, {"type": "ready"}, NOW + 2000))
    assert (play["action"], play["position"], play["at"]) == ("play", 600.0, NOW + 2000 + LEAD_MS)
    assert room.status == "playing"


def test_a_seek_while_paused_stays_paused_once_everyone_is_ready():
    room = room_with(HOST, GUEST)
    handle(room, HOST, {"type": "seek", "position": 42}, NOW)
    handle(room, HOST, {"type": "ready"}, NOW)
    (after,) = to_everyone(handle(room, GUEST, {"type": "ready"}, NOW + 100))
    assert (after["action"], after["position"]) == ("pause", 42.0)
    assert room.status == "paused"


def test_a_member_buffering_holds_the_room_until_they_are_ready():
    room = room_with(HOST, GUEST)
    handle(room, HOST, {"type": "play"}, NOW)
    out = to_everyone(handle(room, GUEST, {"type": "buffering"}, NOW + LEAD_MS + 3000))
    assert out[0] == {"type": "buffering", "member": {"id": "2", "name": "gus"}}
    assert (out[1]["action"], out[1]["position"]) == ("pause", pytest.approx(3.0))
    assert room.status == "waiting"
    # A play while someone buffers only says who the room waits for.
    (notice,) = to_everyone(handle(room, HOST, {"type": "play"}, NOW + 5000))
    assert notice == {"type": "waiting", "for": ["gus"], "resume": True}
    ready, play = to_everyone(handle(room, GUEST, {"type": "ready"}, NOW + 6000))
    assert ready == {"type": "ready", "member": {"id": "2", "name": "gus"}}
    assert (play["action"], play["position"], play["at"]) == (
        "play",
        pytest.approx(3.0),
        NOW + 6000 + LEAD_MS,
    )


def test_a_waiting_room_plays_on_when_the_member_it_waits_for_leaves():
    room = room_with(HOST, GUEST)
    handle(room, HOST, {"type": "play"}, NOW)
    handle(room, GUEST, {"type": "buffering"}, NOW + 1000)
    left, play = to_everyone(leave(room, GUEST, NOW + 2000))
    assert left == {"type": "presence", "event": "left", "member": {"id": "2", "name": "gus"}}
    assert play["action"] == "play"


def test_a_member_with_two_sockets_leaves_with_the_last():
    room = room_with(HOST, GUEST)
    assert join(room, GUEST, NOW)[0][0] == "sender"  # a second tab: the state, no presence
    assert len(join(room, GUEST, NOW)) == 1
    assert leave(room, GUEST, NOW) == []
    assert leave(room, GUEST, NOW) == []
    assert to_everyone(leave(room, GUEST, NOW))[0]["event"] == "left"
    assert list(room.members) == ["1"]


@pytest.mark.parametrize("kind", ["play", "pause", "seek"])
def test_in_a_host_only_party_a_member_may_not_control_playback(kind):
    room = room_with(HOST, GUEST)
    with pytest.raises(Refused, match="Only the host"):
        handle(room, GUEST, {"type": kind, "position": 5}, NOW)
    assert room.status == "paused"


def test_anyone_may_control_when_the_party_says_so():
    room = room_with(HOST, PEER)
    (seek,) = to_everyone(handle(room, PEER, {"type": "seek", "position": 5}, NOW))
    assert seek["by"] == {"id": "3", "name": "pia"}


def test_chat_is_stripped_of_control_characters_and_length_limited():
    room = room_with(HOST, GUEST)
    (chat,) = to_everyone(
        handle(room, GUEST, {"type": "chat", "text": " hi\x1b[2J\u202e <b>"}, NOW)
    )
    assert chat == {
        "type": "chat",
        "member": {"id": "2", "name": "gus"},
        "text": "hi[2J <b>",  # escaping is the client's: it shows text, never HTML
        "at": NOW,
    }
    with pytest.raises(Refused, match="at most"):
        handle(room, GUEST, {"type": "chat", "text": "x" * (CHAT_MAX + 1)}, NOW)
    with pytest.raises(Refused, match="needs some text"):
        handle(room, GUEST, {"type": "chat", "text": "\x00\x07 "}, NOW)


@pytest.mark.parametrize(
    ("message", "says"),
    [
        ([1, 2], "JSON object"),
        ({"kind": "play"}, "Unknown message type"),
        ({"type": "dance"}, "Unknown message type"),
        ({"type": ["play"]}, "Unknown message type"),
        ({"type": "seek"}, "position"),
        ({"type": "seek", "position": -1}, "position"),
        ({"type": "seek", "position": float("nan")}, "position"),
        ({"type": "seek", "position": True}, "position"),
        ({"type": "seek", "position": "12"}, "position"),
        ({"type": "seek", "position": 1e300}, "position"),
        ({"type": "ping"}, "t0"),
        ({"type": "ping", "t0": float("inf")}, "t0"),
        ({"type": "chat", "text": 5}, "text"),
    ],
)
def test_bad_messages_are_refused_with_a_reason(message, says):
    room = room_with(HOST)
    with pytest.raises(Refused, match=says):
        handle(room, HOST, message, NOW)


def test_a_room_survives_its_json_round_trip():
    room = room_with(HOST, GUEST)
    handle(room, HOST, {"type": "play"}, NOW)
    handle(room, GUEST, {"type": "buffering"}, NOW + 500)
    assert Room.from_json(room.to_json()) == room


@given(st.lists(st.sampled_from(["play", "pause", "seek", "buffering", "ready"]), max_size=30))
def test_whatever_members_send_a_room_with_everyone_ready_is_never_left_waiting(kinds):
    room = room_with(HOST, PEER)
    now = NOW
    for n, kind in enumerate(kinds):
        who = HOST if n % 2 else PEER
        now += 250
        handle(room, who, {"type": kind, "position": n}, now)
    now += 250
    for who in (HOST, PEER):
        handle(room, who, {"type": "ready"}, now)
    assert room.status in {"playing", "paused"}
    assert all(m.ready and not m.buffering for m in room.members.values())
