"""The Telegram backend against a double of Telegram's servers (tests/support/telegram_double.py).

The double refuses every getFile request Telegram would refuse, so every read here also
shows that the backend only sends legal requests.
"""

from __future__ import annotations

import asyncio
import hashlib
import random
import time
from types import SimpleNamespace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from stored_media.storage.base import BackendUnavailable, ObjectMissing, Part, StorageError
from stored_media.storage.telegram import TelegramBackend, telegram_backend_from_settings
from stored_media.storage.telegram_plan import is_legal
from stored_media.storage.telegram_pool import Credential, SessionPool
from tests.support.telegram_double import FakeTelegram

MIB = 1024 * 1024
PART_SIZE = 3 * MIB + 5  # need not be a multiple of anything
BODY = random.Random(20261125).randbytes(3 * PART_SIZE + 12_345)


def make_backend(server: FakeTelegram, sessions=("session-a",), **options) -> TelegramBackend:
    return TelegramBackend(
        channel=server.channel,
        sessions=list(sessions),
        client_factory=server.connect,
        **options,
    )


def save(backend: TelegramBackend, tmp_path, body: bytes, key: str = "films/dune.mp4", **kw):
    source = tmp_path / "upload.bin"
    source.write_bytes(body)
    return backend.save(source, key, **kw)


async def collect(backend, parts, start, stop, chunk_size=MIB) -> bytes:
    return b"".join(await chunks(backend, parts, start, stop, chunk_size))


async def chunks(backend, parts, start, stop, chunk_size) -> list[bytes]:
    return [c async for c in backend.read_range("key", parts, start, stop, chunk_size)]


def read_chunks(backend, parts, start, stop, chunk_size=MIB) -> list[bytes]:
    async def run():
        try:
            return await chunks(backend, parts, start, stop, chunk_size)
        finally:
            await backend.aclose()

    return asyncio.run(run())


def read(backend, parts, start, stop, chunk_size=MIB) -> bytes:
    return b"".join(read_chunks(backend, parts, start, stop, chunk_size))


@pytest.fixture(scope="module")
def stored(tmp_path_factory):
    """BODY saved once, as four documents: three of PART_SIZE bytes and the rest."""
    server = FakeTelegram()
    backend = make_backend(server, part_size=PART_SIZE)
    saved = save(backend, tmp_path_factory.mktemp("telegram"), BODY)
    return SimpleNamespace(server=server, backend=backend, saved=saved)


def test_saving_splits_a_large_file_into_parts_and_hashes_it(tmp_path):
    server = FakeTelegram()
    progress = []
    backend = make_backend(server, part_size=PART_SIZE)
    saved = save(
        backend, tmp_path, BODY, progress=lambda done, total: progress.append((done, total))
    )

    assert [part.size for part in saved.parts] == [PART_SIZE] * 3 + [12_345]
    assert saved.size == len(BODY)
    assert saved.sha256 == hashlib.sha256(BODY).hexdigest()
    assert progress[-1] == (len(BODY), len(BODY))
    assert [done for done, _ in progress] == sorted(done for done, _ in progress)
    assert server.message_ids() == [part.ref["message_id"] for part in saved.parts]
    captions = [server.caption(message_id) for message_id in server.message_ids()]
    assert captions == [f"films/dune.mp4 part {n}/4" for n in (1, 2, 3, 4)]


def test_an_empty_file_needs_no_document(tmp_path):
    server = FakeTelegram()
    saved = save(make_backend(server), tmp_path, b"")
    assert saved.parts == []
    assert saved.sha256 == hashlib.sha256(b"").hexdigest()
    assert server.message_ids() == []


@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_any_range_reads_back_exactly(stored, data):
    start = data.draw(st.integers(0, len(BODY)), label="start")
    stop = data.draw(st.integers(start, len(BODY)), label="stop")
    chunk_size = data.draw(st.sampled_from([MIB, 64 * 1024, 1000]), label="chunk_size")
    got = read_chunks(stored.backend, stored.saved.parts, start, stop, chunk_size)
    assert b"".join(got) == BODY[start:stop]
    assert all(0 < len(chunk) <= chunk_size for chunk in got)


@pytest.mark.parametrize(
    ("start", "stop"),
    [
        (PART_SIZE - 10, PART_SIZE + 10),  # across the first part line
        (PART_SIZE - 1, 2 * PART_SIZE + 1),  # one byte of part 1, all of part 2, one of part 3
        (0, len(BODY)),
        (len(BODY) - 3, len(BODY)),
        (MIB - 1, MIB + 1),  # across a 1 MiB line inside a part
    ],
)
def test_ranges_spanning_parts_read_back_exactly(stored, start, stop):
    assert read(stored.backend, stored.saved.parts, start, stop) == BODY[start:stop]


def test_every_request_sent_was_legal(stored):
    read(stored.backend, stored.saved.parts, 12_345, 7 * MIB + 3)
    assert stored.server.requests
    assert all(is_legal(offset, limit) for _name, offset, limit in stored.server.requests)


def test_reads_are_spread_over_sessions_within_the_cap(tmp_path):
    server = FakeTelegram(latency=0.02)
    backend = make_backend(server, sessions=("session-a", "session-b"), streams_per_session=2)
    saved = save(backend, tmp_path, BODY[: 8 * MIB])
    ranges = [(i * 700_000, i * 700_000 + 4 * MIB) for i in range(6)]

    async def run():
        try:
            return await asyncio.gather(*(collect(backend, saved.parts, a, b) for a, b in ranges))
        finally:
            await backend.aclose()

    results = asyncio.run(run())

    assert results == [BODY[a:b] for a, b in ranges]
    assert [server.client(name).max_in_flight for name in ("session-a", "session-b")] == [2, 2]
    assert server.max_in_flight == 4


def test_a_flood_wait_moves_the_read_to_another_session(tmp_path):
    server = FakeTelegram()
    backend = make_backend(server, sessions=("session-a", "session-b"), read_ahead=1)
    saved = save(backend, tmp_path, BODY[: 3 * MIB])
    server.flood_next(calls=1000, seconds=300, client="session-a")

    began = time.monotonic()
    assert read(backend, saved.parts, 0, 3 * MIB) == BODY[: 3 * MIB]

    assert time.monotonic() - began < 5
    assert server.client("session-a").calls == 1  # benched after the first FLOOD_WAIT
    assert server.client("session-b").calls >= 3


def test_a_flood_wait_on_the_only_session_is_waited_out(tmp_path):
    server = FakeTelegram()
    backend = make_backend(server)
    saved = save(backend, tmp_path, BODY[:1000])
    server.flood_next(calls=1, seconds=1)

    began = time.monotonic()
    assert read(backend, saved.parts, 0, 1000) == BODY[:1000]
    assert time.monotonic() - began >= 1


def test_a_flood_wait_longer_than_the_timeout_is_backend_unavailable(tmp_path):
    server = FakeTelegram()
    backend = make_backend(server, request_timeout=0.2)
    saved = save(backend, tmp_path, BODY[:1000])
    server.flood_next(calls=1, seconds=300)

    with pytest.raises(BackendUnavailable):
        read(backend, saved.parts, 0, 1000)


def test_a_slow_answer_is_backend_unavailable(tmp_path):
    server = FakeTelegram()
    backend = make_backend(server, request_timeout=0.1)
    saved = save(backend, tmp_path, BODY[:1000])
    server.latency = 1

    with pytest.raises(BackendUnavailable):
        read(backend, saved.parts, 0, 1000)


def test_an_expired_file_reference_is_refreshed(tmp_path):
    server = FakeTelegram()
    backend = make_backend(server)
    saved = save(backend, tmp_path, BODY[: 2 * MIB])
    server.expire_file_references()

    assert read(backend, saved.parts, 10, 20) == BODY[10:20]
    assert server.get_messages_calls == 1
    # The fresh reference is remembered: the next read needs no refresh.
    assert read(backend, saved.parts, MIB, MIB + 20) == BODY[MIB : MIB + 20]
    assert server.get_messages_calls == 1


def test_closing_the_reader_after_the_first_chunk_stops_fetching(tmp_path):
    server = FakeTelegram()
    backend = make_backend(server, read_ahead=3)
    saved = save(backend, tmp_path, BODY[: 20 * MIB])
    server.latency = 0.05

    async def run():
        reader = backend.read_range("key", saved.parts, 0, 20 * MIB, 64 * 1024)
        first = await anext(reader)
        await reader.aclose()
        calls = server.get_file_calls
        await asyncio.sleep(0.3)
        await backend.aclose()
        return first, calls

    first, calls = asyncio.run(run())

    assert first == BODY[: 64 * 1024]
    assert calls <= 3  # the read-ahead window, no more
    assert server.get_file_calls == calls
    assert server.in_flight == 0


def test_cancelling_the_reading_task_stops_fetching(tmp_path):
    server = FakeTelegram()
    backend = make_backend(server)
    saved = save(backend, tmp_path, BODY[: 20 * MIB])
    server.latency = 0.05

    async def run():
        task = asyncio.create_task(collect(backend, saved.parts, 0, 20 * MIB))
        await asyncio.sleep(0.12)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        calls = server.get_file_calls
        await asyncio.sleep(0.3)
        await backend.aclose()
        return calls

    calls = asyncio.run(run())

    assert calls < 20
    assert server.get_file_calls == calls
    assert server.in_flight == 0


def test_a_deleted_object_is_missing(tmp_path):
    server = FakeTelegram()
    backend = make_backend(server, part_size=PART_SIZE)
    saved = save(backend, tmp_path, BODY[: PART_SIZE + 10])
    backend.delete(saved.key, saved.parts)

    assert server.message_ids() == []
    with pytest.raises(ObjectMissing):
        read(backend, saved.parts, 0, 10)
    backend.delete(saved.key, saved.parts)  # deleting it again is not an error


def test_a_part_pointing_at_no_message_is_missing():
    server = FakeTelegram()
    part = Part(size=100, ref={"channel": server.channel, "message_id": 999_999})
    with pytest.raises(ObjectMissing):
        read(make_backend(server), [part], 0, 100)


def test_a_session_that_cannot_connect_is_skipped(tmp_path):
    server = FakeTelegram()

    async def connect(credential):
        if credential.session == "session-broken":
            raise ConnectionError("no route to Telegram")
        return await server.connect(credential)

    backend = TelegramBackend(
        channel=server.channel, sessions=["session-broken", "session-b"], client_factory=connect
    )
    saved = save(backend, tmp_path, BODY[:5000])
    assert read(backend, saved.parts, 0, 5000) == BODY[:5000]
    assert {client.name for client in server.clients} == {"session-b"}


def test_a_backend_without_sessions_fails_its_check():
    backend = TelegramBackend(api_id=1, api_hash="hash", channel="media")
    with pytest.raises(StorageError, match="no session or bot token"):
        backend.check()


def test_queued_callers_are_served_first_come_first_served():
    server = FakeTelegram()
    pool = SessionPool([Credential(session="only")], server.connect, streams_per_session=1)
    served = []

    async def take(name: str):
        async with pool.acquire():
            served.append(name)
            await asyncio.sleep(0.01)

    async def run():
        async with pool.acquire():
            tasks = []
            for name in ("first", "second", "third"):
                tasks.append(asyncio.create_task(take(name)))
                await asyncio.sleep(0)  # queue them in this order
        await asyncio.gather(*tasks)
        await pool.close()

    asyncio.run(run())
    assert served == ["first", "second", "third"]


def test_the_backend_is_built_from_settings():
    backend = telegram_backend_from_settings(
        SimpleNamespace(
            TELEGRAM_API_ID="12345",
            TELEGRAM_API_HASH="abc",
            TELEGRAM_SESSIONS=["s1", "s2"],
            TELEGRAM_BOT_TOKENS="123:tok, 456:tok",
            TELEGRAM_CHANNEL="-1001234567890",
            TELEGRAM_STREAMS_PER_SESSION=4,
            TELEGRAM_PART_SIZE=100 * MIB,
        )
    )
    assert backend.api_id == 12345
    assert backend.channel == -1001234567890
    assert backend.streams_per_session == 4
    assert backend.part_size == 100 * MIB
    assert "sessions=4" in repr(backend)
    assert "s1" not in repr(backend)
    backend.check()

    defaults = telegram_backend_from_settings(SimpleNamespace())
    assert defaults.streams_per_session == 15
    assert defaults.part_size == 2000 * MIB
