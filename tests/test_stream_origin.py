"""The stream view on its own (no gateway), under a real uvicorn server: RFC 9110 ranges,
signed links, and bad input answered with the right status, never a 500."""

from __future__ import annotations

import asyncio
import os
import random
import socket
import threading
import time

import pytest

from stored_media import signing
from stored_media.storage import override_backend
from stored_media.storage.base import BackendUnavailable, StorageBackend
from stored_media.storage.local import LocalBackend
from streaming.models import TitleHiding
from tests import factories
from tests.factories import publish_film
from tests.support.http_probe import fetch
from tests.support.serving import uvicorn_in_thread

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

SIZE = 3 * 1024 * 1024 + 777


@pytest.fixture
def body() -> bytes:
    return random.Random(7).randbytes(SIZE)


@pytest.fixture
def media(settings, tmp_path, body, alpha):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STREAM_BEHIND_GATEWAY = False
    stored = factories.stored("Film One (2020).mp4", body)
    publish_film(stored)
    return stored


@pytest.fixture
def origin(media):
    with uvicorn_in_thread() as port:
        yield port


def link(obj, expires_in: int = 600, ip: str | None = None) -> str:
    return signing.sign(obj.media_uri, int(time.time()) + expires_in, ip)


def test_a_signed_link_answers_random_ranges_exactly(origin, media, body):
    rng = random.Random(1)
    url = link(media)
    for _ in range(100):
        start = rng.randrange(SIZE)
        stop = rng.randrange(start + 1, SIZE + 1)
        answer = fetch(origin, url, {"Range": f"bytes={start}-{stop - 1}"})
        assert answer.status == 206
        assert answer.body == body[start:stop]
        assert answer.headers["content-range"] == f"bytes {start}-{stop - 1}/{SIZE}"


def test_the_whole_file_comes_with_validators(origin, media, body):
    answer = fetch(origin, link(media))

    assert answer.status == 200
    assert answer.body == body
    assert answer.headers["accept-ranges"] == "bytes"
    assert answer.headers["etag"] == media.etag
    assert answer.headers["content-type"] == "video/mp4"
    assert answer.headers["content-disposition"].startswith('inline; filename="Film-One-2020-.mp4"')
    assert "last-modified" in answer.headers


def test_head_gives_the_headers_of_get_without_a_body(origin, media):
    whole = fetch(origin, link(media), method="HEAD")
    part = fetch(origin, link(media), {"Range": "bytes=10-19"}, method="HEAD")

    assert (whole.status, whole.headers["content-length"], whole.body) == (200, str(SIZE), b"")
    assert (part.status, part.headers["content-length"]) == (206, "10")


def test_several_ranges_come_as_multipart_byteranges(origin, media, body):
    answer = fetch(origin, link(media), {"Range": "bytes=0-9, 100-199, -5"})

    assert answer.status == 206
    assert answer.headers["content-type"].startswith("multipart/byteranges; boundary=")
    assert int(answer.headers["content-length"]) == len(answer.body)
    for piece in (body[0:10], body[100:200], body[-5:]):
        assert piece in answer.body


@pytest.mark.parametrize(
    ("header", "status"),
    [("bytes=99999999-", 416), ("bytes=5-1", 200), ("bytes=abc", 200), ("items=0-1", 200)],
)
def test_odd_range_headers_get_the_rfc_answer(origin, media, header, status):
    answer = fetch(origin, link(media), {"Range": header})

    assert answer.status == status
    if status == 416:
        assert answer.headers["content-range"] == f"bytes */{SIZE}"


def test_if_range_with_another_etag_gets_the_whole_file(origin, media):
    answer = fetch(origin, link(media), {"Range": "bytes=0-9", "If-Range": '"other"'})

    assert answer.status == 200
    assert len(answer.body) == SIZE


def test_if_none_match_with_our_etag_is_304(origin, media):
    assert fetch(origin, link(media), {"If-None-Match": media.etag}).status == 304


@pytest.mark.parametrize(
    ("make_path", "status"),
    [
        (lambda m: link(m).replace("md5=", "md5=x"), 403),
        (lambda m: link(m, expires_in=-10), 410),
        (lambda m: m.media_uri, 403),
        (lambda m: link(m).replace(m.media_uri, f"/media/{m.pk}/other.mp4"), 403),
        (lambda m: signing.sign(f"/media/{m.pk}/other.mp4", int(time.time()) + 60), 404),
        (lambda m: signing.sign(f"/media/{m.pk + 999}/x.mp4", int(time.time()) + 60), 404),
        (lambda m: signing.sign(f"/media/{m.pk}/..%2F..%2Fetc%2Fpasswd", 2**40), 403),
        (lambda m: signing.sign(f"/media/{m.pk}/../../etc/passwd", 2**40), 404),
        (lambda m: signing.sign(f"/media/{m.pk}/a\x00b.mp4", 2**40), 400),  # nul_guard
        (lambda m: link(m) + "&expires=1", 403),
    ],
)
def test_bad_links_get_a_clear_status_and_leak_nothing(origin, media, make_path, status):
    answer = fetch(origin, make_path(media))

    assert answer.status == status
    assert media.key.encode() not in answer.body
    assert b"Traceback" not in answer.body


def test_a_link_bound_to_another_address_is_refused(origin, media, alpha):
    alpha.bind_media_links_to_ip = True
    alpha.save(update_fields=["bind_media_links_to_ip"])

    assert fetch(origin, link(media, ip="203.0.113.9")).status == 403
    assert fetch(origin, link(media, ip="127.0.0.1")).status == 200


def test_another_sites_host_cannot_use_the_link_when_it_is_unknown(origin, media):
    assert fetch(origin, link(media), host="nobody.example").status == 404


def test_media_of_a_draft_title_is_not_served(origin, media):
    media.media.title.status = "draft"
    media.media.title.save(update_fields=["status"])

    assert fetch(origin, link(media)).status == 404


def test_a_site_that_hides_the_title_does_not_serve_its_media(origin, media, alpha, beta):
    TitleHiding.objects.create(tenant=alpha, title=media.media.title)

    assert fetch(origin, link(media)).status == 404
    assert fetch(origin, link(media), host="b.test").status == 200


def test_a_stored_object_attached_to_nothing_is_served_nowhere(origin, media):
    media.media.delete()

    assert fetch(origin, link(media)).status == 404


def test_a_file_missing_from_storage_is_a_404_not_a_500(origin, media, settings):
    os.unlink(settings.MEDIA_ROOT / media.key)

    answer = fetch(origin, link(media), {"Range": "bytes=0-99"})

    assert answer.status == 404


class StalledBackend(LocalBackend):
    async def read_part(self, key, part, start, stop, chunk_size):
        await asyncio.sleep(30)
        yield b""


class BrokenBackend(LocalBackend):
    async def read_part(self, key, part, start, stop, chunk_size):
        raise BackendUnavailable("connection refused")
        yield b""


@pytest.mark.parametrize("backend_class", [StalledBackend, BrokenBackend])
def test_a_backend_that_stalls_or_fails_is_a_504(origin, media, settings, backend_class):
    settings.STREAM_BACKEND_TIMEOUT = 1

    with override_backend("local", backend_class(settings.MEDIA_ROOT)):
        answer = fetch(origin, link(media))

    assert answer.status == 504
    assert b"did not answer" in answer.body


class CountingBackend(StorageBackend):
    """A 1 GiB object of zeros that counts the chunks it hands out."""

    name = "counting"
    chunks = 0
    closed = threading.Event()  # set when the read is stopped (or runs out)

    def save(self, source, key, progress=None):
        raise NotImplementedError

    def delete(self, key, parts):
        pass

    async def read_part(self, key, part, start, stop, chunk_size):
        try:
            for offset in range(start, stop, chunk_size):
                CountingBackend.chunks += 1
                await asyncio.sleep(0)
                yield bytes(min(chunk_size, stop - offset))
        finally:
            CountingBackend.closed.set()


@pytest.fixture
def counting_backend():
    CountingBackend.chunks = 0
    CountingBackend.closed.clear()
    with override_backend("local", CountingBackend()) as backend:
        yield backend


def test_a_viewer_who_leaves_stops_the_backend_read(origin, media, settings, counting_backend):
    media.size = 1024**3
    media.parts = [{"size": 1024**3, "ref": {}}]
    media.save(update_fields=["size", "parts"])

    with socket.create_connection(("127.0.0.1", origin)) as sock:
        sock.sendall(f"GET {link(media)} HTTP/1.1\r\nHost: a.test\r\n\r\n".encode())
        received = 0
        while received < 1024 * 1024:
            received += len(sock.recv(65536))

    # The read stopped once the origin saw the viewer go: a closed read hands out nothing more.
    assert CountingBackend.closed.wait(10), "reads went on after the viewer left"
    read_bytes = CountingBackend.chunks * settings.STREAM_CHUNK_SIZE
    # What socket buffers held is read ahead of the viewer; far less than the 1 GiB file.
    assert read_bytes < 16 * 1024 * 1024, f"{read_bytes} bytes read for a viewer who took 1 MiB"
