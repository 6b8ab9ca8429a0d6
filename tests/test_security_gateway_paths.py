"""What nginx checks and what the origin is asked must be the same thing.

- nginx checks a link's signature on the normalised path ($uri) but asked the origin with
  the raw one ($request_uri): `/media//1/x`, `//media/…`, `/media/./1/x` and `%2e%2e`
  passed the check and made the authorize request fail, a 500. They are a 400 now, through
  the gateway and from Django on its own.
- The authorize cache is keyed on nginx's $host, which an absolute-form request line sets
  (`GET http://a.test/media/… HTTP/1.1` with `Host: b.test`): the origin judges that same
  host now, so one site's answer can neither be planted in nor borrowed from another's.
"""

from __future__ import annotations

import time

import pytest

from stored_media import signing
from stored_media.models import StoredObject
from streaming.models import TitleHiding
from tests import factories
from tests.factories import publish_film
from tests.support.http_probe import fetch
from tests.support.serving import nginx_gateway, uvicorn_in_thread

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

BODY = b"\x00\x00\x00\x20ftypisom" + bytes(range(256)) * 40


@pytest.fixture
def stored(settings, tmp_path, alpha, beta) -> StoredObject:
    settings.MEDIA_ROOT = tmp_path / "media"
    stored = factories.stored("Film.mp4", BODY)
    publish_film(stored)
    return stored


@pytest.fixture
def gateway(tmp_path, stored):
    with uvicorn_in_thread() as origin, nginx_gateway(tmp_path, origin) as port:
        yield port


@pytest.fixture
def origin(stored):
    with uvicorn_in_thread() as port:
        yield port


def link(obj: StoredObject) -> str:
    return signing.sign(obj.media_uri, int(time.time()) + 600)


ODD_PATHS = {
    "double slash inside": lambda path: path.replace("/media/", "/media//"),
    "double slash first": lambda path: "/" + path,
    "dot segment": lambda path: path.replace("/media/", "/media/./"),
    "encoded dot segment": lambda path: path.replace("/media/", "/media/%2e/"),
    "encoded dot-dot": lambda path: path.replace("/media/", "/media/x/%2e%2e/"),
    "encoded dot-dot name": lambda path: path.replace("/Film.mp4", "/x/%2E%2E/Film.mp4"),
}


@pytest.mark.parametrize("odd", ODD_PATHS.values(), ids=ODD_PATHS.keys())
def test_odd_media_paths_are_a_400_through_the_gateway(gateway, stored, odd):
    assert fetch(gateway, link(stored)).status == 200  # the same link, as signed, works

    answer = fetch(gateway, odd(link(stored)))

    assert answer.status == 400, answer.body[:300]
    assert answer.headers["content-type"].startswith("text/plain")


@pytest.mark.parametrize("odd", ODD_PATHS.values(), ids=ODD_PATHS.keys())
def test_odd_media_paths_are_a_4xx_from_django_alone(origin, stored, odd):
    answer = fetch(origin, odd(link(stored)))

    assert 400 <= answer.status < 500, answer.body[:300]
    assert answer.headers["content-type"].startswith("text/plain")
    assert answer.headers["content-security-policy"] == "sandbox; default-src 'none'"


def test_an_unknown_host_is_refused_not_a_500_through_the_gateway(gateway, stored):
    answer = fetch(gateway, link(stored), host="nobody.test")

    # nginx serves only the sites' verified hostnames (stored_media/gateway_hosts.py).
    assert answer.status == 404


def test_a_site_cannot_borrow_another_sites_authorize_answer(gateway, stored, alpha):
    """Alpha hides the film, beta shows it. A request naming a.test in its request line and
    b.test in Host must be judged as alpha (404), and must leave nothing alpha's viewers
    could be served from."""
    TitleHiding.objects.create(tenant=alpha, title=stored.media.title)

    smuggled = fetch(gateway, "http://a.test" + link(stored), host="b.test")
    on_alpha = fetch(gateway, link(stored), host="a.test")
    on_beta = fetch(gateway, link(stored), host="b.test")

    assert (smuggled.status, on_alpha.status, on_beta.status) == (404, 404, 200)
    assert BODY not in smuggled.body + on_alpha.body


def test_a_site_cannot_plant_a_refusal_in_another_sites_cache(gateway, stored, alpha):
    """The other way round: alpha's refusal, asked under b.test's name, must not be kept
    for b.test, whose viewers may watch the film."""
    TitleHiding.objects.create(tenant=alpha, title=stored.media.title)

    planted = fetch(gateway, "http://b.test" + link(stored), host="a.test")
    on_beta = fetch(gateway, link(stored), host="b.test")

    assert (planted.status, on_beta.status) == (200, 200)
    assert on_beta.body == BODY
