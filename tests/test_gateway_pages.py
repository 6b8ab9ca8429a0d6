"""ReadVault's page links through nginx (Debian's, with the rendered gateway config) in front of
the real ASGI server: the signature checked by nginx, the site's right to the chapter asked of
the origin before the page cache (so a page cached for one site stays hidden on a site that
hides its series), pages cached on their path (and Accept class for auto variants) whatever
the link's signature, errors as plain text."""

from __future__ import annotations

import time
from contextlib import ExitStack

import pytest

from readvault.models import SeriesHiding
from readvault.pages.images import make_for_chapter
from readvault.pages.links import page_uri
from stored_media import signing
from tests.factories import comic_series
from tests.support.comic_pages import chapter_with_pages, page_image
from tests.support.http_probe import fetch
from tests.support.serving import nginx_gateway, use_s3, uvicorn_in_thread

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

AVIF_ACCEPT = "image/avif,image/webp,image/apng,image/*,*/*;q=0.8"
CACHE_SECONDS = 1  # the authorize answer's lifetime in this gateway


@pytest.fixture
def pages() -> list[bytes]:
    return [page_image(1000, 1400, seed=1), page_image(1000, 1400, seed=2)]


@pytest.fixture(params=["local", "s3"])
def backend(request, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MEDIA_ROOT.mkdir()
    settings.READVAULT_PAGE_AVIF = False
    with ExitStack() as stack:
        if request.param == "s3":
            yield request.param, use_s3(stack, settings)["process"]
        else:
            yield request.param, None


@pytest.fixture
def chapter(alpha, beta, pages, backend):
    return chapter_with_pages(comic_series("Gateway Manga"), pages, backend=backend[0])


@pytest.fixture
def gateway(tmp_path, chapter):
    options = {"authorize_cache_seconds": str(CACHE_SECONDS)}
    with uvicorn_in_thread() as origin, nginx_gateway(tmp_path, origin, **options) as port:
        yield port


def link(chapter_id: int, index: int, variant: str = "orig", expires_in: int = 600) -> str:
    return signing.sign(page_uri(chapter_id, index, variant), int(time.time()) + expires_in)


def test_a_page_is_fetched_once_then_served_from_the_cache_for_every_link(gateway, chapter, pages):
    first = fetch(gateway, link(chapter.pk, 1))
    again = fetch(gateway, link(chapter.pk, 1))
    other_link = fetch(gateway, link(chapter.pk, 1, expires_in=900))

    assert (first.status, first.body, first.headers["x-cache-status"]) == (200, pages[1], "MISS")
    assert (again.headers["x-cache-status"], other_link.headers["x-cache-status"]) == ("HIT", "HIT")
    assert other_link.body == pages[1]
    for answer in (first, other_link):
        assert answer.headers["content-type"] == "image/jpeg"
        assert answer.headers["cache-control"] == "public, max-age=31536000, immutable"
        assert answer.headers["x-content-type-options"] == "nosniff"
        assert answer.headers["content-security-policy"] == "sandbox; default-src 'none'"
        assert answer.headers["etag"] == first.headers["etag"]


@pytest.mark.parametrize("backend", ["s3"], indirect=True)
def test_a_cached_page_outlives_its_storage(gateway, chapter, pages, backend):
    _, moto = backend
    fetch(gateway, link(chapter.pk, 0))
    moto.terminate()  # the backend is gone: only the cache can answer now
    moto.wait()

    answer = fetch(gateway, link(chapter.pk, 0, expires_in=700))

    assert (answer.status, answer.body, answer.headers["x-cache-status"]) == (200, pages[0], "HIT")


def test_the_etag_is_answered_with_a_304(gateway, chapter):
    first = fetch(gateway, link(chapter.pk, 0))

    cached = fetch(gateway, link(chapter.pk, 0), {"If-None-Match": first.headers["etag"]})

    assert (cached.status, cached.body) == (304, b"")


def test_a_page_cached_for_one_site_is_404_on_a_site_that_hides_its_series(gateway, chapter, alpha):
    on_beta = fetch(gateway, link(chapter.pk, 0), host="b.test")
    SeriesHiding.objects.create(tenant=alpha, series=chapter.series)

    on_alpha = fetch(gateway, link(chapter.pk, 0), host="a.test")
    smuggled = fetch(gateway, "http://a.test" + link(chapter.pk, 0), host="b.test")
    beta_again = fetch(gateway, link(chapter.pk, 0), host="b.test")

    assert on_beta.headers["x-cache-status"] == "MISS"
    assert (on_alpha.status, on_alpha.body) == (404, b"No such page.\n")
    assert on_alpha.headers["content-type"] == "text/plain; charset=utf-8"
    assert smuggled.status == 404
    assert (beta_again.status, beta_again.headers["x-cache-status"]) == (200, "HIT")


def test_hiding_a_series_reaches_open_links_within_the_authorize_lifetime(gateway, chapter, alpha):
    assert fetch(gateway, link(chapter.pk, 0)).status == 200
    SeriesHiding.objects.create(tenant=alpha, series=chapter.series)
    time.sleep(CACHE_SECONDS + 1.2)  # nginx keeps an answer through its last whole second

    assert fetch(gateway, link(chapter.pk, 1)).status == 404


@pytest.mark.parametrize(
    ("make_path", "status", "text"),
    [
        (lambda c: link(c.pk, 0).replace("md5=", "md5=A"), 403, "This page link is not valid."),
        (lambda c: page_uri(c.pk, 0, "orig"), 403, "This page link is not valid."),
        (lambda c: link(c.pk, 0, expires_in=-5), 410, "This page link has expired"),
        (lambda c: link(c.pk, 7), 404, "No such page."),
        (lambda c: link(c.pk + 100, 0), 404, "No such page."),
        (lambda c: link(c.pk, 0, "700.webp"), 404, "No such page."),
        (lambda c: link(c.pk, 0).replace("/pages/", "/pages//"), 400, "This is not a page link."),
        (lambda c: link(c.pk, 0).replace("/orig", "/%6Frig"), 400, "This is not a page link."),
        (lambda c: link(c.pk, 0).replace("/orig", "/x/../orig"), 400, "This is not a page link."),
    ],
    ids=[
        "bad signature", "unsigned", "expired", "unknown page", "unknown chapter",
        "unmade width", "double slash", "encoded letter", "dot-dot",
    ],
)  # fmt: skip
@pytest.mark.parametrize("backend", ["local"], indirect=True)
def test_bad_links_get_plain_text_through_the_gateway(gateway, chapter, make_path, status, text):
    answer = fetch(gateway, make_path(chapter))

    assert answer.status == status
    assert answer.body.decode().startswith(text)
    assert answer.headers["content-type"].startswith("text/plain")
    assert answer.headers["x-content-type-options"] == "nosniff"


@pytest.mark.parametrize("backend", ["local"], indirect=True)
def test_auto_variants_are_cached_per_accept_class(gateway, chapter):
    make_for_chapter(chapter)
    path = link(chapter.pk, 0, "auto-400")

    answers = {
        accept: [fetch(gateway, path, {"Accept": accept}) for _ in range(2)]
        for accept in (AVIF_ACCEPT, "image/webp,*/*", "*/*", "IMAGE/AVIF")
    }

    types = {accept: pair[0].headers["content-type"] for accept, pair in answers.items()}
    assert types == {
        AVIF_ACCEPT: "image/avif",
        "image/webp,*/*": "image/webp",
        "*/*": "image/jpeg",
        "IMAGE/AVIF": "image/avif",
    }
    caching = {
        accept: [a.headers["x-cache-status"] for a in pair] for accept, pair in answers.items()
    }
    assert caching == {
        AVIF_ACCEPT: ["MISS", "HIT"],
        "image/webp,*/*": ["MISS", "HIT"],
        "*/*": ["MISS", "HIT"],
        "IMAGE/AVIF": ["HIT", "HIT"],  # the same class as Chromium's header: the same entry
    }
    assert all(pair[1].headers["vary"] == "Accept" for pair in answers.values())


@pytest.mark.parametrize("backend", ["local"], indirect=True)
def test_an_explicit_variant_is_one_entry_whatever_the_browser_accepts(gateway, chapter):
    make_for_chapter(chapter)
    path = link(chapter.pk, 1, "800.webp")

    first = fetch(gateway, path, {"Accept": AVIF_ACCEPT})
    second = fetch(gateway, path, {"Accept": "*/*"})

    assert (first.headers["x-cache-status"], second.headers["x-cache-status"]) == ("MISS", "HIT")
    assert second.headers["content-type"] == "image/webp"


@pytest.mark.parametrize("backend", ["local"], indirect=True)
def test_a_stand_in_original_goes_out_with_its_short_lifetime(gateway, chapter, pages):
    """Before its image is made, `800.webp` is the original, which nginx and browsers keep
    only for the minute the origin's Cache-Control gives (not a year like a made image)."""
    answers = [fetch(gateway, link(chapter.pk, 1, "800.webp")) for _ in range(2)]

    assert [a.body for a in answers] == [pages[1], pages[1]]
    assert [a.headers["x-cache-status"] for a in answers] == ["MISS", "HIT"]
    assert answers[1].headers["cache-control"] == "public, max-age=60"


@pytest.mark.parametrize("backend", ["local"], indirect=True)
def test_a_site_that_binds_links_takes_bound_page_links_only(gateway, chapter, alpha):
    alpha.bind_media_links_to_ip = True
    alpha.save(update_fields=["bind_media_links_to_ip"])
    uri = page_uri(chapter.pk, 0, "orig")
    bound = signing.sign(uri, int(time.time()) + 600, ip="127.0.0.1")
    unbound = signing.sign(uri, int(time.time()) + 600)

    # Bound first, so a cached "yes" for the bound link could leak to the unbound one if
    # the authorize cache did not key on the binding.
    assert fetch(gateway, bound).status == 200
    assert fetch(gateway, unbound).status == 403
    assert fetch(gateway, unbound, host="b.test").status == 200
