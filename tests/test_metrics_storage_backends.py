"""What the storage backends already catch is counted: Telegram's FLOOD_WAITs per session
(against the double of Telegram's servers) and the calls in flight, which are back to none
after a read; S3 failures by their kind (a bucket that does not answer)."""

from __future__ import annotations

import asyncio

import pytest
from prometheus_client import REGISTRY

from stored_media.storage.base import BackendUnavailable
from stored_media.storage.s3 import S3Backend, error_kind
from stored_media.storage.telegram import TelegramBackend
from tests.support.services import free_port
from tests.support.telegram_double import FakeTelegram

BODY = bytes(range(256)) * 40


def value(name: str, label: str, label_value: str) -> float:
    return REGISTRY.get_sample_value(name, {label: label_value}) or 0.0


def floods(session: str) -> float:
    return value("shadowvault_telegram_flood_waits_total", "session", session)


def in_flight(session: str) -> float:
    return value("shadowvault_telegram_calls_in_flight", "session", session)


def s3_errors(kind: str) -> float:
    return value("shadowvault_s3_errors_total", "kind", kind)


def read_all(backend: TelegramBackend, parts) -> bytes:
    async def run() -> bytes:
        try:
            return b"".join([c async for c in backend.read_range("k", parts, 0, len(BODY), 4096)])
        finally:
            await backend.aclose()

    return asyncio.run(run())


def test_a_flood_wait_is_counted_for_its_session_and_no_call_stays_in_flight(tmp_path):
    server = FakeTelegram()
    backend = TelegramBackend(
        channel=server.channel, sessions=["session-a", "session-b"], client_factory=server.connect
    )
    source = tmp_path / "upload.bin"
    source.write_bytes(BODY)
    saved = backend.save(source, "films/x.mp4")
    server.flood_next(calls=1000, seconds=300, client="session-a")
    floods_before = [floods("0"), floods("1")]

    assert read_all(backend, saved.parts) == BODY

    assert [floods("0") - floods_before[0], floods("1") - floods_before[1]] == [1, 0]
    assert [in_flight("0"), in_flight("1")] == [0, 0]


def test_an_s3_failure_is_counted_by_its_kind():
    nobody_listens = f"http://127.0.0.1:{free_port()}"
    backend = S3Backend("media", nobody_listens, "x", "y", region="us-east-1")
    kind = "EndpointConnectionError"
    before = s3_errors(kind)

    with pytest.raises(BackendUnavailable):
        backend.delete("films/x.mp4", [])

    assert s3_errors(kind) == before + 1


def test_an_s3_error_code_is_a_bounded_label():
    from botocore.exceptions import ClientError

    odd = ClientError({"Error": {"Code": "Slow Down\n<script>" + "x" * 80}}, "GetObject")

    assert error_kind(odd) == ("SlowDownscript" + "x" * 80)[:40]
