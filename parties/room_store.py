"""Where a party's room lives between messages: in this process, or in Redis at scale.

The choice follows the channel layer (settings.PARTY_ROOM_STORE, docs/watch-party.md): the
in-memory layer only reaches sockets of this one process, so the room lives beside them in
a dict; with the Redis layer, members of one party may sit on different uvicorn processes,
so the room lives in Redis, changed under a Redis lock. Django's cache was the other
candidate and is not used: its API has no atomic read-modify-write (two members' messages on
two processes would each write their own copy), and the embedded locmem cache is a per-process
dict anyway.

A room outlives its sockets for ROOM_TTL seconds since its last change, so members whose
connections all dropped come back to the same state.
"""

from __future__ import annotations

import asyncio
import json
import time
import weakref
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any, Protocol

import redis.asyncio
from django.conf import settings

from parties.room import Room

ROOM_TTL = 6 * 3600


class RoomStore(Protocol):
    def hold(self, code: str) -> AbstractAsyncContextManager[Room]:
        """The party's room (a new one if none is kept), saved when the block ends. The
        caller changes it without awaiting anything inside the block."""
        ...


class MemoryRoomStore:
    """Rooms in this process. No lock: a consumer changes a room without awaiting between
    reading and saving it, so on one event loop no other message interleaves."""

    def __init__(self) -> None:
        self._rooms: dict[str, tuple[float, dict[str, Any]]] = {}

    @asynccontextmanager
    async def hold(self, code: str) -> AsyncIterator[Room]:
        now = time.monotonic()
        kept = self._rooms.get(code)
        if kept and now - kept[0] > ROOM_TTL:
            kept = None
        # Kept as JSON-shaped data, as in Redis: a room is never shared by reference.
        room = Room.from_json(json.loads(json.dumps(kept[1]))) if kept else Room()
        yield room
        self._rooms[code] = (now, room.to_json())
        self._forget_stale(now)

    def _forget_stale(self, now: float) -> None:
        if len(self._rooms) % 256 == 0:  # now and then, not on every message
            for code in [c for c, (t, _) in self._rooms.items() if now - t > ROOM_TTL]:
                del self._rooms[code]

    def clear(self) -> None:
        self._rooms.clear()


class RedisRoomStore:
    """Rooms in Redis, one JSON value per party with a TTL, changed under a per-party lock
    (members on different processes send at the same moment)."""

    def __init__(self, url: str, prefix: str) -> None:
        self.url, self.prefix = url, prefix
        # A redis.asyncio client belongs to the event loop it connected on.
        self._clients: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, redis.asyncio.Redis]
        self._clients = weakref.WeakKeyDictionary()

    def _client(self) -> redis.asyncio.Redis:
        loop = asyncio.get_running_loop()
        client = self._clients.get(loop)
        if client is None:
            client = redis.asyncio.Redis.from_url(
                self.url, socket_timeout=5, socket_connect_timeout=5
            )
            self._clients[loop] = client
        return client

    @asynccontextmanager
    async def hold(self, code: str) -> AsyncIterator[Room]:
        client, key = self._client(), f"{self.prefix}:{code}"
        async with client.lock(f"{key}:lock", timeout=5, blocking_timeout=5):
            raw = await client.get(key)
            room = Room.from_json(json.loads(raw)) if raw else Room()
            yield room
            await client.set(key, json.dumps(room.to_json()), ex=ROOM_TTL)


_store: RoomStore | None = None


def room_store() -> RoomStore:
    """The store settings name, made once per process."""
    global _store
    if _store is None:
        url = settings.PARTY_ROOM_REDIS_URL
        _store = RedisRoomStore(url, settings.PARTY_ROOM_KEY_PREFIX) if url else MemoryRoomStore()
    return _store


def use_store(store: RoomStore | None) -> None:
    """Put a store in place for every caller (tests); None: the settings' again."""
    global _store
    _store = store
