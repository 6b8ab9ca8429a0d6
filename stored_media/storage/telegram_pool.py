"""The Telegram session pool: which configured login makes each call.

A `SessionPool` spreads calls over the configured user sessions and bot tokens (each a
`Credential`), with a cap of calls in flight per session, and honours FLOOD_WAIT by benching
the session that got it. It makes clients on first use through a client factory (Telethon's in
production, `telegram_connect.TelethonConnector`; a double in tests) and belongs to one event
loop, as the clients it holds do.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar

from telethon.errors import FloodWaitError

from shadowvault.metrics.families import (
    TELEGRAM_CALLS,
    TELEGRAM_FLOOD_SECONDS,
    TELEGRAM_FLOOD_WAITS,
)
from stored_media.storage.base import BackendUnavailable, StorageError

logger = logging.getLogger(__name__)
T = TypeVar("T")

DEFAULT_STREAMS_PER_SESSION = 15
CONNECT_RETRY_SECONDS = 30  # how long a session that failed to connect sits out


class TelegramCalls(Protocol):
    """The Telethon client calls the backend makes (tests pass a double of the same shape)."""

    session: Any  # `.dc_id`: the client's home data centre

    async def __call__(self, request: Any) -> Any: ...
    async def get_messages(self, entity: Any, ids: Any) -> Any: ...
    async def send_file(self, entity: Any, file: Any, **kwargs: Any) -> Any: ...
    async def delete_messages(self, entity: Any, message_ids: Any) -> Any: ...
    async def disconnect(self) -> Any: ...


@dataclass(frozen=True, repr=False)
class Credential:
    """One Telegram login: a user's StringSession or a bot token. Never printed."""

    session: str = ""
    bot_token: str = ""

    def __repr__(self) -> str:
        return "Credential(bot)" if self.bot_token else "Credential(user session)"


ClientFactory = Callable[[Credential], Awaitable[TelegramCalls]]


class SessionUnavailable(BackendUnavailable):
    """A session could not connect or sign in; it sits out for a while."""


@dataclass(eq=False)
class _Slot:
    index: int
    credential: Credential
    client: TelegramCalls | None = None
    active: int = 0
    benched_until: float = 0.0
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)


@dataclass(frozen=True)
class Lease:
    """A client lent for one call; `index` says which configured credential it uses."""

    index: int
    client: TelegramCalls


class SessionPool:
    """Lends Telegram clients, with at most `streams_per_session` calls in flight on each.

    `acquire()` lends the least busy client that is under its cap and not benched; when there
    is none, callers queue and are served first come, first served as calls end or benches
    run out. `run(operation)` acquires, calls, and on FLOOD_WAIT benches that client for the
    seconds Telegram named and retries on another (or waits for one). Clients are made on
    first use by `client_factory(credential)`. A pool belongs to one event loop.
    """

    def __init__(
        self,
        credentials: Sequence[Credential],
        client_factory: ClientFactory,
        streams_per_session: int = DEFAULT_STREAMS_PER_SESSION,
        *,
        retries: int = 5,
    ) -> None:
        if streams_per_session < 1:
            raise ValueError("streams_per_session must be at least 1")
        self._slots = [_Slot(index, credential) for index, credential in enumerate(credentials)]
        self._factory = client_factory
        self._cap = streams_per_session
        self._retries = retries
        self._waiters: deque[asyncio.Future[_Slot]] = deque()
        self._timers: list[asyncio.TimerHandle] = []

    def in_flight(self) -> list[int]:
        """Calls in flight per credential, in configuration order."""
        return [slot.active for slot in self._slots]

    async def run(
        self, operation: Callable[[Lease], Awaitable[T]], *, timeout: float | None = None
    ) -> T:
        """`operation(lease)` on a lent client; moved to another client on FLOOD_WAIT or
        when a client cannot connect. `timeout` bounds each wait for a free client."""
        attempts = 0
        while True:
            try:
                async with self.acquire(timeout) as lease:
                    return await self._call(lease, operation)
            except (FloodWaitError, SessionUnavailable):
                attempts += 1
                if attempts > self._retries:
                    raise

    @asynccontextmanager
    async def acquire(self, timeout: float | None = None) -> AsyncIterator[Lease]:
        slot = await self._take(timeout)
        try:
            yield Lease(slot.index, await self._client_for(slot))
        finally:
            self._give_back(slot)

    async def close(self) -> None:
        for timer in self._timers:
            timer.cancel()
        for slot in self._slots:
            client, slot.client = slot.client, None
            if client is not None:
                with contextlib.suppress(Exception):
                    await client.disconnect()

    async def _call(self, lease: Lease, operation: Callable[[Lease], Awaitable[T]]) -> T:
        try:
            return await operation(lease)
        except FloodWaitError as exc:
            # Telegram: FLOOD_WAIT_X means this account must not repeat the call for X s.
            logger.warning(
                "Telegram session #%d must wait %d s (FLOOD_WAIT)", lease.index, exc.seconds
            )
            self._bench(self._slots[lease.index], exc.seconds)
            TELEGRAM_FLOOD_WAITS.labels(str(lease.index)).inc()
            TELEGRAM_FLOOD_SECONDS.labels(str(lease.index)).inc(exc.seconds)
            raise

    async def _take(self, timeout: float | None) -> _Slot:
        if not self._slots:
            raise StorageError("no Telegram session or bot token is configured")
        if not self._waiters and (slot := self._free_slot()):  # nobody queued ahead of us
            _lend(slot)
            return slot
        waiter: asyncio.Future[_Slot] = asyncio.get_running_loop().create_future()
        self._waiters.append(waiter)
        try:
            async with asyncio.timeout(timeout):
                return await waiter
        except (asyncio.CancelledError, TimeoutError):
            if waiter.done() and not waiter.cancelled():
                self._give_back(waiter.result())  # a slot came just as we gave up
            elif waiter in self._waiters:
                self._waiters.remove(waiter)
            raise

    def _free_slot(self) -> _Slot | None:
        now = asyncio.get_running_loop().time()
        ready = [s for s in self._slots if s.active < self._cap and s.benched_until <= now]
        return min(ready, key=lambda slot: slot.active, default=None)

    def _give_back(self, slot: _Slot) -> None:
        slot.active -= 1
        TELEGRAM_CALLS.labels(str(slot.index)).dec()
        self._dispatch()

    def _dispatch(self) -> None:
        """Hand free slots to queued callers, oldest first."""
        while self._waiters:
            if self._waiters[0].done():  # cancelled while queued
                self._waiters.popleft()
                continue
            slot = self._free_slot()
            if slot is None:
                return
            _lend(slot)
            self._waiters.popleft().set_result(slot)

    def _bench(self, slot: _Slot, seconds: float) -> None:
        loop = asyncio.get_running_loop()
        slot.benched_until = max(slot.benched_until, loop.time() + seconds)
        # Wake the queue when the bench ends (a hair late: the loop may fire timers early
        # by its clock resolution).
        self._timers = [t for t in self._timers if t.when() > loop.time()]
        self._timers.append(loop.call_later(seconds + 0.01, self._dispatch))

    async def _client_for(self, slot: _Slot) -> TelegramCalls:
        async with slot.lock:
            if slot.client is None:
                try:
                    slot.client = await self._factory(slot.credential)
                except Exception as exc:  # any failure to connect or sign in
                    self._bench(slot, CONNECT_RETRY_SECONDS)
                    raise SessionUnavailable(
                        f"Telegram session #{slot.index} could not connect: {exc}"
                    ) from exc
            return slot.client


def _lend(slot: _Slot) -> None:
    slot.active += 1
    # Every process's pools together, per configured session (docs/metrics.md).
    TELEGRAM_CALLS.labels(str(slot.index)).inc()
