"""Watch parties at scale: the Redis channel layer (channels_redis) carries a party's messages
and Redis keeps its room (parties.room_store.RedisRoomStore), as settings choose them when
CHANNEL_LAYER_URL names Redis. Two members, as if on two processes, see each other's moves."""

from __future__ import annotations

import uuid

import pytest
import redis
from asgiref.sync import async_to_sync

from parties.room_store import RedisRoomStore, use_store
from tests.factories import make_member
from tests.support.party_sockets import film_party, joined, socket, until

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def redis_party(settings, redis_url):
    prefix = f"sv:test-party:{uuid.uuid4().hex}"
    settings.CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": [redis_url], "prefix": f"{prefix}:asgi"},
        }
    }
    use_store(RedisRoomStore(redis_url, prefix))
    yield prefix
    use_store(None)
    client = redis.Redis.from_url(redis_url)
    for key in client.scan_iter(f"{prefix}:*"):
        client.delete(key)


def test_a_seek_reaches_both_members_through_redis(redis_party, redis_url, alpha, alice):
    carol = make_member("carol", alpha)
    party = film_party(alpha, alice)
    host, guest = socket(party.code, alice), socket(party.code, carol)

    async def scenario():
        await joined(host)
        state = await joined(guest)
        assert [m["name"] for m in state["members"]] == ["alice", "carol"]
        await host.send_json_to({"type": "play"})
        await host.send_json_to({"type": "seek", "position": 90})
        for member in (host, guest):
            assert (await until(member, "command", action="seek"))["position"] == 90
        await host.send_json_to({"type": "ready"})
        await guest.send_json_to({"type": "ready"})
        for member in (host, guest):
            assert (await until(member, "command", action="play"))["position"] == 90
        await host.disconnect()
        await guest.disconnect()

    async_to_sync(scenario)()
    # The room stays in Redis for the members' return.
    assert redis.Redis.from_url(redis_url).exists(f"{redis_party}:{party.code}")
