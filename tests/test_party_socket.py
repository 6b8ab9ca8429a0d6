"""The watch party's websocket through Channels (shadowvault.websockets, parties.consumer):
who may join, the state on joining, commands with a future `at` reaching every member,
waiting until everyone is ready, host-only control, chat, presence, bad input, reconnects.
The rules in detail: test_party_room.py; the real server and gateway: test_party_live.py."""

from __future__ import annotations

import time

import pytest
from asgiref.sync import async_to_sync
from channels.testing import WebsocketCommunicator

from parties.consumer import MESSAGES_PER_SECOND, SLOW_DOWN
from parties.room import LEAD_MS
from parties.room_store import MemoryRoomStore, use_store
from shadowvault.websockets import websocket_application
from tests.factories import make_member
from tests.support.party_sockets import film_party, joined, settled, socket, until

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def fresh_rooms():
    use_store(MemoryRoomStore())
    yield
    use_store(None)


@pytest.fixture
def carol(alpha):
    return make_member("carol", alpha)


def run(scenario) -> None:
    async_to_sync(scenario)()


def test_a_member_gets_the_rooms_state_on_joining_and_everyone_hears_of_them(alpha, alice, carol):
    party = film_party(alpha, alice)

    host = socket(party.code, alice)
    guest = socket(party.code, carol)

    async def scenario():
        state = await joined(host)
        assert state["status"] == "paused"
        assert state["position"] == 0
        assert abs(state["server"] - time.time() * 1000) < 5000
        assert [m["name"] for m in state["members"]] == ["alice"]
        state = await joined(guest)
        assert [m["name"] for m in state["members"]] == ["alice", "carol"]
        carol_joined = {"id": str(carol.pk), "name": "carol"}
        assert await until(host, "presence", event="joined", member=carol_joined)
        await guest.disconnect()
        left = await until(host, "presence", event="left")
        assert left["member"]["name"] == "carol"
        await host.disconnect()

    run(scenario)


def test_a_ping_is_answered_at_once_with_the_servers_clock(alpha, alice):
    party = film_party(alpha, alice)

    host = socket(party.code, alice)

    async def scenario():
        await joined(host)
        before = time.time() * 1000
        await host.send_json_to({"type": "ping", "t0": 42})
        pong = await until(host, "pong")
        assert pong["t0"] == 42
        assert before - 1 <= pong["server"] <= time.time() * 1000 + 1
        await host.disconnect()

    run(scenario)


def test_play_reaches_every_member_as_a_command_at_a_future_server_time(alpha, alice, carol):
    party = film_party(alpha, alice)

    host, guest = socket(party.code, alice), socket(party.code, carol)

    async def scenario():
        await joined(host)
        await joined(guest)
        sent = time.time() * 1000
        await host.send_json_to({"type": "play"})
        for member in (host, guest):
            command = await until(member, "command", action="play")
            assert command["position"] == 0
            assert sent < command["at"] <= time.time() * 1000 + LEAD_MS
            assert command["by"]["name"] == "alice"
        await host.disconnect()
        await guest.disconnect()

    run(scenario)


def test_a_seek_holds_the_room_until_every_member_is_ready(alpha, alice, carol):
    party = film_party(alpha, alice)

    host, guest = socket(party.code, alice), socket(party.code, carol)

    async def scenario():
        await joined(host)
        await joined(guest)
        await host.send_json_to({"type": "play"})
        await host.send_json_to({"type": "seek", "position": 1200})
        for member in (host, guest):
            seek = await until(member, "command", action="seek")
            assert seek["position"] == 1200
        await host.send_json_to({"type": "ready"})
        assert await guest.receive_nothing(timeout=0.2)
        await guest.send_json_to({"type": "ready"})
        for member in (host, guest):
            play = await until(member, "command", action="play")
            assert play["position"] == 1200
            assert play["at"] > time.time() * 1000
        await host.disconnect()
        await guest.disconnect()

    run(scenario)


def test_a_member_buffering_is_announced_and_pauses_everyone(alpha, alice, carol):
    party = film_party(alpha, alice)

    host, guest = socket(party.code, alice), socket(party.code, carol)

    async def scenario():
        await joined(host)
        await joined(guest)
        await host.send_json_to({"type": "play"})
        await until(host, "command", action="play")
        await guest.send_json_to({"type": "buffering"})
        notice = await until(host, "buffering")
        assert notice["member"]["name"] == "carol"
        await until(host, "command", action="pause")
        await guest.send_json_to({"type": "ready"})
        await until(host, "command", action="play")
        await host.disconnect()
        await guest.disconnect()

    run(scenario)


def test_in_a_host_only_party_a_members_seek_is_refused(alpha, alice, carol):
    party = film_party(alpha, alice)

    host, guest = socket(party.code, alice), socket(party.code, carol)

    async def scenario():
        await joined(host)
        await joined(guest)
        await settled(host)
        await guest.send_json_to({"type": "seek", "position": 30})
        error = await until(guest, "error")
        assert "Only the host" in error["message"]
        assert await host.receive_nothing(timeout=0.2)  # no seek reached the host
        await host.disconnect()
        await guest.disconnect()

    run(scenario)


def test_in_an_anyone_party_a_member_may_seek(alpha, alice, carol):
    party = film_party(alpha, alice, control="anyone")

    host, guest = socket(party.code, alice), socket(party.code, carol)

    async def scenario():
        await joined(host)
        await joined(guest)
        await guest.send_json_to({"type": "seek", "position": 30})
        seek = await until(host, "command", action="seek")
        assert seek["by"]["name"] == "carol"
        await host.disconnect()
        await guest.disconnect()

    run(scenario)


def test_chat_reaches_everyone_without_control_characters(alpha, alice, carol):
    party = film_party(alpha, alice)

    host, guest = socket(party.code, alice), socket(party.code, carol)

    async def scenario():
        await joined(host)
        await joined(guest)
        await guest.send_json_to({"type": "chat", "text": "look\x07 <i>here</i>\u202e"})
        for member in (host, guest):
            chat = await until(member, "chat")
            assert (chat["member"]["name"], chat["text"]) == ("carol", "look <i>here</i>")
        await host.disconnect()
        await guest.disconnect()

    run(scenario)


@pytest.mark.parametrize(
    ("frame", "says"),
    [
        ("{not json", "not JSON"),
        ('"play"', "JSON object"),
        ('{"type": "seek", "position": "soon"}', "position"),
        ('{"type": "nope"}', "Unknown message type"),
        ('{"type": "chat", "text": "' + "x" * 5000 + '"}', "at most"),
        ("[" * 3000 + "]" * 3000, "at most"),
        ("[" * 2000 + "]" * 2000, "not JSON"),  # deeper than Python's recursion limit
    ],
)
def test_a_bad_message_gets_an_error_and_the_socket_stays_open(alpha, alice, frame, says):
    party = film_party(alpha, alice)

    host = socket(party.code, alice)

    async def scenario():
        await joined(host)
        await host.send_to(text_data=frame)
        error = await until(host, "error")
        assert says in error["message"]
        await host.send_to(bytes_data=b"\x00\x01")
        assert "JSON text frames" in (await until(host, "error"))["message"]
        await host.send_json_to({"type": "ping", "t0": 7})
        assert (await until(host, "pong"))["t0"] == 7
        await host.disconnect()

    run(scenario)


def test_a_dropped_socket_that_comes_back_gets_the_same_state(alpha, alice, carol):
    party = film_party(alpha, alice)

    host, guest = socket(party.code, alice), socket(party.code, carol)
    back = socket(party.code, carol)
    again = socket(party.code, alice)

    async def scenario():
        await joined(host)
        await joined(guest)
        await host.send_json_to({"type": "seek", "position": 300})
        await host.send_json_to({"type": "ready"})
        await guest.disconnect()  # dropped while the room waited for it: the room goes on
        await until(host, "command", action="pause")
        await host.send_json_to({"type": "play"})
        played = await until(host, "command", action="play")
        state = await joined(back)
        assert state["status"] == "playing"
        assert (state["position"], state["at"]) == (played["position"], played["at"])
        await host.disconnect()
        await back.disconnect()
        # Everyone gone: the room is kept for their return.
        assert (await joined(again))["status"] == "playing"
        await again.disconnect()

    run(scenario)


def refused(communicator) -> bool:
    async def attempt():
        connected, _ = await communicator.connect(timeout=2)
        await communicator.disconnect()
        return not connected

    return async_to_sync(attempt)()


def test_another_sites_party_is_refused(alpha, beta, alice, bob):
    theirs = film_party(beta, bob)
    assert refused(socket(theirs.code, alice, host="a.test"))  # alice, on her own site
    assert refused(socket(theirs.code, alice, host="b.test"))  # alice is no member there
    assert not refused(socket(theirs.code, bob, host="b.test"))


def test_a_visitor_and_a_non_member_are_refused(alpha, beta, alice, bob):
    party = film_party(alpha, alice)
    assert refused(socket(party.code, None))
    assert refused(socket(party.code, bob))


def test_a_page_of_another_origin_may_not_open_the_socket(alpha, alice):
    party = film_party(alpha, alice)
    assert refused(socket(party.code, alice, origin="https://evil.example"))
    assert refused(socket(party.code, alice, origin="null"))
    assert not refused(socket(party.code, alice, origin="http://a.test"))


def test_an_ended_or_unknown_party_and_an_unknown_host_are_refused(alpha, alice):
    party = film_party(alpha, alice)
    assert refused(socket("x" * 22, alice))
    assert refused(socket("../../etc", alice))
    assert refused(socket(party.code, alice, host="nobody.test"))
    party.end()
    assert refused(socket(party.code, alice))


def test_another_websocket_path_is_refused(alpha, alice):
    other = WebsocketCommunicator(
        websocket_application(),
        "/ws/other/",
        headers=[(b"host", b"a.test"), (b"origin", b"http://a.test")],
    )
    assert refused(other)


def test_the_host_ends_the_party_for_everyone(alpha, alice, carol):
    party = film_party(alpha, alice)
    host, guest = socket(party.code, alice), socket(party.code, carol)
    later = socket(party.code, carol)

    async def scenario():
        await joined(host)
        await joined(guest)
        await guest.send_json_to({"type": "end"})
        assert "Only the host" in (await until(guest, "error"))["message"]
        await host.send_json_to({"type": "end"})
        for member in (host, guest):
            await until(member, "ended")
            closed = await member.receive_output(timeout=2)
            assert closed == {"type": "websocket.close", "code": 4410}
            await member.disconnect()
        connected, _ = await later.connect(timeout=2)
        assert not connected
        await later.disconnect()

    run(scenario)
    party.refresh_from_db()
    assert party.ended_at is not None


def test_a_flood_of_messages_is_refused_without_reaching_the_others(alpha, alice, carol):
    party = film_party(alpha, alice)
    host, guest = socket(party.code, alice), socket(party.code, carol)

    async def scenario():
        await joined(host)
        await joined(guest)
        await settled(host)
        for n in range(15):
            await guest.send_json_to({"type": "chat", "text": f"spam {n}"})
        chats = []
        while not await host.receive_nothing(timeout=0.3):
            chats.append(await host.receive_json_from())
        assert len(chats) == MESSAGES_PER_SECOND
        assert (await until(guest, "error"))["message"] == SLOW_DOWN
        await host.disconnect()
        await guest.disconnect()

    run(scenario)
