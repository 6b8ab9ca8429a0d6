"""The gateway's authorize cache (deploy/nginx/gateway.conf.tmpl, /_authorize): a burst of
viewers on a fresh link costs the origin one authorization, a run-out answer is refreshed by
one request while the others go on, and an unpublish reaches open links at once by purging
the cached answers it made wrong (stored_media/authorize_cache.py), well within the cache's
validity. Real nginx and uvicorn (in this process, so its authorize answers are counted)."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from stored_media import delivery, signing
from stored_media.delivery import AUTHORIZE_HEADER
from stored_media.objects import store_file
from streaming.models import Title, TitleHiding
from takedowns import targets
from takedowns.models import TargetKind
from tenants.site_state_rules import SiteState
from tenants.site_states import change_state
from tests.factories import publish_film
from tests.support.http_probe import fetch
from tests.support.serving import nginx_gateway, uvicorn_in_thread

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

BURST = 50


@pytest.fixture
def stored(settings, tmp_path, alpha):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MEDIA_ROOT.mkdir()
    source = tmp_path / "film.mp4"
    source.write_bytes(b"\0" * 300_000)
    stored = store_file(source, "Film.mp4", "local", kind="mp4")
    publish_film(stored)
    return stored


@pytest.fixture
def origin_calls(monkeypatch):
    """How many authorize answers the origin (uvicorn, in this process) gave for a path."""
    asked: list[str] = []
    answer = delivery._authorize_answer

    def counted(obj, backend):
        asked.append(obj.media_uri if obj is not None else "")
        return answer(obj, backend)

    monkeypatch.setattr(delivery, "_authorize_answer", counted)
    return lambda uri: asked.count(uri)


def link(stored, expires_in: int = 600) -> str:
    return signing.sign(stored.media_uri, int(time.time()) + expires_in)


def burst(port: int, paths: list[str]) -> list[int]:
    """Every path asked at the same moment, each on its own connection."""
    start = threading.Barrier(len(paths))

    def one(path: str) -> int:
        start.wait()
        return fetch(port, path, {"Range": "bytes=0-99"}).status

    with ThreadPoolExecutor(len(paths)) as pool:
        return list(pool.map(one, paths))


def settled(count, uri: str, seconds: float = 3.0) -> int:
    """The origin's count once it stops moving (a background refresh may answer after the
    viewers have theirs)."""
    last, deadline = -1, time.monotonic() + seconds
    while time.monotonic() < deadline:
        now = count(uri)
        if now == last:
            return now
        last = now
        time.sleep(0.3)
    return count(uri)


def test_a_burst_on_a_fresh_link_is_one_authorization(stored, tmp_path, origin_calls):
    with uvicorn_in_thread() as origin, nginx_gateway(tmp_path, origin) as port:
        statuses = burst(port, [link(stored)] * BURST)
        # Other viewers' links (their own expiry) share the site's answer for the object.
        others = burst(port, [link(stored, 600 + n) for n in range(10)])

        assert statuses == [206] * BURST
        assert others == [206] * 10
        assert settled(origin_calls, stored.media_uri) == 1


def test_a_run_out_answer_is_refreshed_once_while_viewers_go_on(stored, tmp_path, origin_calls):
    with (
        uvicorn_in_thread() as origin,
        nginx_gateway(tmp_path, origin, authorize_cache_seconds="1") as port,
    ):
        assert fetch(port, link(stored), {"Range": "bytes=0-9"}).status == 206
        time.sleep(2.2)  # run out (nginx keeps an answer through its last whole second)

        statuses = burst(port, [link(stored)] * 20)

        assert statuses == [206] * 20
        assert settled(origin_calls, stored.media_uri) == 2


def draft(stored, site) -> None:
    title = stored.media.title
    title.status = Title.Status.DRAFT
    title.save()


def hidden_on_the_site(stored, site) -> None:
    TitleHiding.objects.create(tenant=site, title=stored.media.title)


def taken_down(stored, site) -> None:
    assert targets.unpublish(TargetKind.TITLE, stored.media.title_id)  # a row update


def site_suspended(stored, site) -> None:
    change_state(site, SiteState.SUSPENDED, by=None, reason="test")


@pytest.mark.parametrize("unpublish", [draft, hidden_on_the_site, taken_down, site_suspended])
def test_an_unpublish_reaches_an_open_link_at_once(stored, alpha, tmp_path, unpublish):
    with uvicorn_in_thread() as origin, nginx_gateway(tmp_path, origin) as port:
        playing = link(stored)
        assert fetch(port, playing, {"Range": "bytes=0-9"}).status == 206
        assert fetch(port, link(stored, 900), {"Range": "bytes=0-9"}).status == 206

        unpublish(stored, alpha)
        began = time.monotonic()
        again = fetch(port, playing, {"Range": "bytes=10-19"})

        assert again.status in (403, 404), again.body
        assert time.monotonic() - began < 5  # the validity is 10 s: this was the purge


def test_the_authorize_answer_reads_no_address_signature_or_expiry(stored, client):
    """Why nginx may share one cached answer between every viewer's link of a site, object
    and binding: the origin's answer to the authorize request is the same whatever the
    address, token and expiry (nginx's secure_link checks those before its cache)."""
    token = {AUTHORIZE_HEADER: signing.gateway_token()}

    def answer(query: str, address: str) -> dict[str, str]:
        response = client.get(
            f"{stored.media_uri}?{query}", headers=token, HTTP_HOST="a.test", REMOTE_ADDR=address
        )
        assert response.status_code == 200
        return {k: v for k, v in response.headers.items() if k.lower().startswith("x-shadow")}

    good = link(stored).split("?", 1)[1]
    same = answer(good, "192.0.2.1")
    assert same["X-ShadowVault-Status"] == "200"
    assert answer(good, "198.51.100.7") == same
    assert answer("md5=nonsense&expires=1", "198.51.100.7") == same
