"""Where a party's room lives (parties.room_store): in the process, or in Redis with a lock
when members sit on several processes. Two Redis stores stand in for two processes."""

from __future__ import annotations

import asyncio
import uuid

import pytest
import redis

from parties.room import Member, Room
from parties.room_store import MemoryRoomStore, RedisRoomStore, RoomStore


async def add_members(store: RoomStore, code: str, names: list[str]) -> None:
    for name in names:
        async with store.hold(code) as room:
            room.members[name] = Member(name=name)
        await asyncio.sleep(0)  # let the other "process" in between


def test_a_room_is_kept_between_messages_and_copied_not_shared():
    store = MemoryRoomStore()

    async def scenario() -> tuple[Room, Room]:
        async with store.hold("abc") as room:
            room.position = 12.5
            room.members["1"] = Member(name="hana")
        room.position = 99  # a change after the block is not kept
        async with store.hold("abc") as again:
            pass
        async with store.hold("other") as other:
            pass
        return again, other

    again, other = asyncio.run(scenario())
    assert again.position == 12.5
    assert list(again.members) == ["1"]
    assert other == Room()


@pytest.mark.services
def test_two_processes_changing_one_room_in_redis_lose_no_change(redis_url):
    prefix = f"sv:test-party:{uuid.uuid4().hex}"
    first, second = RedisRoomStore(redis_url, prefix), RedisRoomStore(redis_url, prefix)

    async def scenario() -> Room:
        await asyncio.gather(
            add_members(first, "abc", [f"a{n}" for n in range(20)]),
            add_members(second, "abc", [f"b{n}" for n in range(20)]),
        )
        async with first.hold("abc") as room:
            return room

    try:
        room = asyncio.run(scenario())
    finally:
        redis.Redis.from_url(redis_url).delete(f"{prefix}:abc")
    assert len(room.members) == 40
