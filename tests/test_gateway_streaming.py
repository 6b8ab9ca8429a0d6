"""nginx (Debian's, with the rendered gateway config) in front of the real ASGI server.

Local files go out through X-Accel-Redirect (nginx sends them; no cache); remote objects
(S3, Telegram) through the 1 MiB slice cache, shared by every viewer's link.
"""

from __future__ import annotations

import random
import time
from contextlib import ExitStack

import pytest

from stored_media import signing
from stored_media.objects import store_file
from stored_media.storage import override_backend
from stored_media.storage.telegram import TelegramBackend
from streaming.models import TitleHiding
from tests.factories import publish_film
from tests.support.http_probe import fetch
from tests.support.serving import nginx_gateway, use_s3, uvicorn_in_thread
from tests.support.telegram_double import FakeTelegram

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

MIB = 1024 * 1024
SIZE = 5 * MIB + 4321  # six slices, the last one short


@pytest.fixture
def body() -> bytes:
    return random.Random(11).randbytes(SIZE)


def use_telegram_double(stack: ExitStack) -> FakeTelegram:
    """Telegram cannot be reached here: the backend talks to a double that enforces getFile's
    rules (tests/support/telegram_double.py). Parts of 2 MiB + 1000 bytes make slices span parts."""
    server = FakeTelegram()
    telegram = TelegramBackend(
        channel=server.channel,
        sessions=["session-a", "session-b"],
        client_factory=server.connect,
        part_size=2 * MIB + 1000,
    )
    stack.enter_context(override_backend("telegram", telegram))
    return server


@pytest.fixture(params=["local", "s3", "telegram"])
def backend(request, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MEDIA_ROOT.mkdir()
    with ExitStack() as stack:
        if request.param == "s3":
            yield request.param, use_s3(stack, settings)["process"]
        elif request.param == "telegram":
            yield request.param, use_telegram_double(stack)
        else:
            yield request.param, None


@pytest.fixture
def gateway(settings, tmp_path, alpha, backend, body):
    name, _ = backend
    source = tmp_path / "film.mp4"
    source.write_bytes(body)
    stored = store_file(source, "Film.mp4", name, kind="mp4")
    publish_film(stored)
    with uvicorn_in_thread() as origin, nginx_gateway(tmp_path, origin) as port:
        yield port, stored


def link(obj, expires_in: int = 600) -> str:
    return signing.sign(obj.media_uri, int(time.time()) + expires_in)


def test_random_ranges_through_the_gateway_are_exact(gateway, body, backend):
    port, stored = gateway
    rng = random.Random(3)
    for _ in range(200):
        start = rng.randrange(SIZE)
        stop = rng.randrange(start + 1, min(SIZE, start + 3 * MIB) + 1)
        answer = fetch(port, link(stored), {"Range": f"bytes={start}-{stop - 1}"})
        assert answer.status == 206, answer.body[:200]
        assert answer.body == body[start:stop]
        assert answer.headers["content-range"] == f"bytes {start}-{stop - 1}/{SIZE}"
    expected = "LOCAL" if backend[0] == "local" else ("HIT", "MISS")
    assert answer.headers["x-cache-status"] in expected


def test_the_whole_file_and_head_through_the_gateway(gateway, body):
    port, stored = gateway

    whole = fetch(port, link(stored))
    head = fetch(port, link(stored), method="HEAD")

    assert (whole.status, whole.body == body) == (200, True)
    assert whole.headers["content-type"] == "video/mp4"
    assert whole.headers["accept-ranges"] == "bytes"
    assert (head.status, head.body, head.headers["content-length"]) == (200, b"", str(SIZE))


@pytest.mark.parametrize(
    ("make_path", "headers", "status"),
    [
        (lambda o: link(o).replace("md5=", "md5=A"), {}, 403),
        (lambda o: o.media_uri, {}, 403),
        (lambda o: link(o, expires_in=-5), {}, 410),
        (lambda o: link(o), {"Range": f"bytes={SIZE}-"}, 416),
    ],
)
def test_the_gateway_refuses_bad_links_and_ranges(gateway, make_path, headers, status):
    port, stored = gateway

    answer = fetch(port, make_path(stored), headers)

    assert answer.status == status
    assert stored.key.encode() not in answer.body


@pytest.mark.parametrize("backend", ["s3", "telegram"], indirect=True)
def test_a_remote_slice_is_fetched_once_then_served_from_cache(gateway, backend):
    name, remote = backend
    port, stored = gateway
    first = fetch(port, link(stored), {"Range": "bytes=1048576-1048675"})
    if name == "s3":
        remote.terminate()  # the backend is gone: only the cache can answer now
        remote.wait()
    else:
        calls_after_first = remote.get_file_calls

    again = fetch(port, link(stored), {"Range": "bytes=1048600-1048699"})
    other_viewer = fetch(port, link(stored, expires_in=900), {"Range": "bytes=1048576-1048675"})

    assert first.headers["x-cache-status"] == "MISS"
    assert (again.status, again.headers["x-cache-status"]) == (206, "HIT")
    assert (other_viewer.status, other_viewer.headers["x-cache-status"]) == (206, "HIT")
    assert other_viewer.body == first.body
    if name == "telegram":
        assert remote.get_file_calls == calls_after_first, "a cached slice reached Telegram"


def test_media_of_a_title_the_site_hides_is_404_through_the_gateway(gateway, alpha):
    port, stored = gateway
    TitleHiding.objects.create(tenant=alpha, title=stored.media.title)

    answer = fetch(port, link(stored), {"Range": "bytes=0-9"})

    assert answer.status == 404


def test_the_gateway_names_the_file_for_the_browser(gateway):
    port, stored = gateway

    answer = fetch(port, link(stored), {"Range": "bytes=0-9"})

    assert answer.headers["content-disposition"].startswith('inline; filename="Film.mp4"')
    assert answer.headers["content-type"] == "video/mp4"
