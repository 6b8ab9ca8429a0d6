"""Through the real gateway (nginx with the rendered config, uvicorn as the origin): the
slice cache's MISS and HIT reach /metrics through the gateway's cache log, the origin counts
what it authorized and sent for a remote backend, and the answers nginx makes itself
(media, its errors, static files) carry the same Referrer-Policy and nosniff as the site's."""

from __future__ import annotations

import http.client
import time
from contextlib import ExitStack

import pytest
from django.test import Client
from prometheus_client.parser import text_string_to_metric_families

from stored_media import signing
from stored_media.objects import store_file
from stored_media.storage import override_backend
from stored_media.storage.telegram import TelegramBackend
from tests.factories import publish_film
from tests.support.http_probe import fetch
from tests.support.serving import nginx_gateway, uvicorn_in_thread
from tests.support.telegram_double import FakeTelegram

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

MIB = 1024 * 1024


@pytest.fixture
def gateway(settings, tmp_path, alpha):
    """A 2.5 MiB film on the Telegram double (the internet is out of reach), behind nginx."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STATIC_ROOT = tmp_path / "static"
    settings.STATIC_ROOT.mkdir()
    (settings.STATIC_ROOT / "probe.css").write_text("body{}")
    settings.GATEWAY_CACHE_LOG = str(tmp_path / "gateway" / "cache.log")  # nginx_gateway's
    settings.METRICS_STATE_DIR = tmp_path / "metrics"
    source = tmp_path / "film.mp4"
    source.write_bytes(bytes(range(256)) * (10 * 1024 + 5))
    with ExitStack() as stack:
        server = FakeTelegram()
        telegram = TelegramBackend(
            channel=server.channel, sessions=["session-a"], client_factory=server.connect
        )
        stack.enter_context(override_backend("telegram", telegram))
        stored = store_file(source, "Film.mp4", "telegram", kind="mp4")
        publish_film(stored)
        origin = stack.enter_context(uvicorn_in_thread())
        yield stack.enter_context(nginx_gateway(tmp_path, origin)), stored


def link(stored) -> str:
    return signing.sign(stored.media_uri, int(time.time()) + 600)


def figures(operator) -> dict[tuple[str, tuple], float]:
    text = operator.get("/metrics").content.decode()
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


def cache_answers(operator, status: str) -> float:
    key = ("shadowvault_gateway_cache_answers_total", (("area", "media"), ("status", status)))
    return figures(operator).get(key, 0.0)


def test_a_miss_then_a_hit_show_in_the_cache_ratio(gateway, olivia):
    port, stored = gateway
    operator = Client(HTTP_HOST="a.test")
    operator.force_login(olivia)
    before = figures(operator)

    first = fetch(port, link(stored), {"Range": "bytes=1048576-1048675"})
    again = fetch(port, link(stored), {"Range": "bytes=1048600-1048699"})

    assert (first.headers["x-cache-status"], again.headers["x-cache-status"]) == ("MISS", "HIT")
    deadline = time.monotonic() + 10  # nginx flushes its cache log's buffer every second
    while cache_answers(operator, "HIT") < 1 and time.monotonic() < deadline:
        time.sleep(0.2)
    assert (cache_answers(operator, "MISS"), cache_answers(operator, "HIT")) == (1, 1)
    after = figures(operator)
    sent = ("shadowvault_media_bytes_total", (("backend", "telegram"),))
    proxied = (
        "shadowvault_media_authorizations_total",
        (("answer", "proxied"), ("backend", "telegram")),
    )
    assert after[sent] - before.get(sent, 0) >= MIB  # the one slice nginx fetched
    assert after[proxied] - before.get(proxied, 0) >= 1
    assert after[("shadowvault_media_streams_active", (("backend", "telegram"),))] == 0


def headers_of(port: int, path: str, **headers: str) -> tuple[int, list[tuple[str, str]]]:
    """The status and every header line as sent (a header twice shows twice)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request("GET", path, headers={"Host": "a.test", **headers})
    response = connection.getresponse()
    response.read()
    connection.close()
    return response.status, [(name.lower(), value) for name, value in response.getheaders()]


def test_answers_nginx_makes_itself_carry_referrer_policy_and_nosniff_once(gateway):
    port, stored = gateway

    answers = {
        "media slice": headers_of(port, link(stored), Range="bytes=0-99"),
        "media error": headers_of(port, link(stored).replace("md5=", "md5=A")),
        "static": headers_of(port, "/static/probe.css"),
    }

    assert [status for status, _ in answers.values()] == [206, 403, 200]
    for name, (_, headers) in answers.items():
        assert [v for h, v in headers if h == "referrer-policy"] == ["same-origin"], name
        assert [v for h, v in headers if h == "x-content-type-options"] == ["nosniff"], name
