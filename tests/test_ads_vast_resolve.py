"""Resolving an external VAST tag on the server: wrapper chains served by a local double,
merged trackers, the depth limit, loops, slow, broken and empty hops, and Error URLs called
with the code of what went wrong."""

from __future__ import annotations

import re
import time

import pytest

from ads.vast import errors, resolve
from ads.vast.build import build_vast
from ads.vast.model import MediaFile
from ads.vast.resolve import resolve_tag
from tests.support.vast_double import VastDouble
from tests.support.vast_samples import EMPTY, EMPTY_WITH_ERROR, wrapper

PLACEHOLDER = "http://double.invalid"
INLINE = build_vast(
    ad_id="inline-1",
    title="The ad at the end of the chain",
    duration=20,
    media=[
        MediaFile(f"{PLACEHOLDER}/ad-1080.mp4", "video/mp4", 1920, 1080, 4000),
        MediaFile(f"{PLACEHOLDER}/ad-480.mp4", "video/mp4", 854, 480, 900),
        MediaFile(f"{PLACEHOLDER}/ad.m3u8", "application/x-mpegurl", 1280, 720),
    ],
    skip_offset=5,
    tracking={
        "impression": [f"{PLACEHOLDER}/inline/imp"],
        "error": [f"{PLACEHOLDER}/err/inline?code=[ERRORCODE]"],
        "start": [f"{PLACEHOLDER}/inline/start"],
        "click": [f"{PLACEHOLDER}/inline/click"],
    },
    click_through="https://advertiser.example/landing",
).decode()
INLINE_TEMPLATE = INLINE.replace(PLACEHOLDER, "{base}")


@pytest.fixture
def double(settings):
    settings.INGEST_ALLOWED_HOSTS = ["127.0.0.1"]  # the guard refuses loopback otherwise
    with VastDouble() as server:
        yield server


def _chain(double: VastDouble, length: int, end: str = INLINE_TEMPLATE) -> str:
    """Wrappers w1 … w<length> leading to `end`; returns the first one's URL."""
    double.serve("/end", end)
    for n in range(length, 0, -1):
        following = "{base}/end" if n == length else f"{{base}}/w{n + 1}"
        double.serve(f"/w{n}", wrapper(following, f"w{n}"))
    return f"{double.url.rstrip('/')}/w1" if length else f"{double.url.rstrip('/')}/end"


def _resolve_error(url: str) -> errors.VastError:
    with pytest.raises(errors.VastError) as caught:
        resolve_tag(url, hop_timeout=0.5, budget=2)
    return caught.value


def test_an_inline_tag_becomes_the_players_ad(double):
    ad = resolve_tag(_chain(double, 0), preferred_height=480)
    base = double.url.rstrip("/")
    assert ad.media_url == f"{base}/ad-480.mp4"
    assert (ad.duration, ad.skip_offset) == (20.0, 5.0)
    assert ad.click_through == "https://advertiser.example/landing"
    assert double.hits("/err/") == []


def test_nested_wrappers_add_their_trackers_to_the_inline_ads(double):
    ad = resolve_tag(_chain(double, 3), preferred_height=1080)
    base = double.url.rstrip("/")
    assert ad.media_url == f"{base}/ad-1080.mp4"
    assert ad.tracking["impression"] == (
        "https://example.com/w1/imp",
        "https://example.com/w2/imp",
        "https://example.com/w3/imp",
        f"{base}/inline/imp",
    )
    assert ad.tracking["start"][-1] == f"{base}/inline/start"
    assert len(ad.tracking["start"]) == 4
    assert ad.tracking["click"][0] == "https://example.com/w1/click"
    assert ad.tracking["error"][0] == f"{base}/err/w1?code=[ERRORCODE]"  # the player fills it
    assert ad.click_through == "https://advertiser.example/landing"  # the InLine ad's only
    assert [r.split("?")[0] for r in double.requests] == ["/w1", "/w2", "/w3", "/end"]


def test_five_wrappers_are_followed_and_a_sixth_is_the_wrapper_limit(double):
    assert resolve_tag(_chain(double, 5)).duration == 20.0
    double.requests.clear()
    error = _resolve_error(_chain(double, 6))
    assert error.code == 302
    assert "/end" not in double.requests
    assert sorted(double.hits("/err/")) == [f"/err/w{n}?code=302" for n in range(1, 7)]


def test_a_wrapper_loop_is_detected(double):
    double.serve("/a", wrapper("{base}/b", "a"))
    double.serve("/b", wrapper("{base}/a", "b"))
    error = _resolve_error(double.serve("/a", wrapper("{base}/b", "a")))
    assert error.code == 302
    assert [r.split("?")[0] for r in double.requests if not r.startswith("/err")] == ["/a", "/b"]
    assert sorted(double.hits("/err/")) == ["/err/a?code=302", "/err/b?code=302"]


def test_a_slow_hop_times_out_quickly_and_reports_301(double):
    url = _chain(double, 2)
    double.serve("/w2", wrapper("{base}/end", "w2"), delay=3)
    started = time.monotonic()
    error = _resolve_error(url)
    assert error.code == 301
    assert time.monotonic() - started < 1.5
    assert double.hits("/err/") == ["/err/w1?code=301"]


def test_a_hop_that_trickles_its_body_is_cut_off_at_its_timeout(double):
    url = _chain(double, 1)
    double.serve("/end", INLINE_TEMPLATE, trickle=0.05)
    started = time.monotonic()
    assert _resolve_error(url).code == 301
    assert time.monotonic() - started < 1.5
    assert double.hits("/err/") == ["/err/w1?code=301"]


@pytest.mark.parametrize(
    ("answer", "status", "code"),
    [
        ("<html>Internal Server Error</html>", 500, 301),
        ("<VAST version='3.0'><Ad><InLine>", 200, 100),
        (EMPTY, 200, 303),
        ("", 204, 303),
        ("<VAST version='9.0'/>", 200, 102),
    ],
)
def test_a_broken_hop_reports_its_code_to_the_wrappers_error_urls(double, answer, status, code):
    url = _chain(double, 1)
    double.serve("/end", answer, status=status)
    assert _resolve_error(url).code == code
    assert double.hits("/err/") == [f"/err/w1?code={code}"]


def test_an_empty_response_reports_to_its_own_error_url(double):
    assert _resolve_error(_chain(double, 0, end=EMPTY_WITH_ERROR)).code == 303
    assert double.hits("/err/") == ["/err/empty?code=303"]


def test_a_missing_tag_is_301(double):
    assert _resolve_error(f"{double.url.rstrip('/')}/nowhere").code == 301


def test_no_playable_media_is_403_reported_to_every_error_url(double):
    flash_only = INLINE_TEMPLATE.replace('type="video/mp4"', 'type="video/x-flv"')
    assert _resolve_error(_chain(double, 1, end=flash_only)).code == 403
    assert sorted(double.hits("/err/")) == ["/err/inline?code=403", "/err/w1?code=403"]


def test_a_document_over_the_size_cap_is_100(double, monkeypatch):
    monkeypatch.setattr(resolve, "MAX_BYTES", 2048)
    url = _chain(double, 1)
    double.serve("/end", INLINE_TEMPLATE + "<!--" + "x" * 4096 + "-->")
    assert _resolve_error(url).code == 100


def test_follow_additional_wrappers_false_stops_the_chain(double):
    url = _chain(double, 2)
    double.serve("/w1", wrapper("{base}/w2", "w1", follow="false"))
    assert _resolve_error(url).code == 302


def test_the_ssrf_guard_keeps_tags_off_the_private_network(double, settings):
    settings.INGEST_ALLOWED_HOSTS = []  # as in production
    assert _resolve_error(_chain(double, 0)).code == 301
    assert double.requests == []


def test_a_wrapper_pointing_at_the_private_network_is_refused(double, settings):
    double.serve("/w1", wrapper("http://169.254.169.254/latest/meta-data/", "w1"))
    error = _resolve_error(f"{double.url.rstrip('/')}/w1")
    assert error.code == 301
    assert double.hits("/err/") == ["/err/w1?code=301"]


def test_an_ad_with_no_linear_creative_is_201(double):
    nonlinear = (
        "<VAST version='4.1'><Ad><InLine><AdSystem>x</AdSystem>"
        "<Error>{base}/err/nonlinear?code=[ERRORCODE]</Error><Creatives><Creative>"
        "<NonLinearAds><NonLinear/></NonLinearAds></Creative></Creatives></InLine></Ad></VAST>"
    )
    assert _resolve_error(_chain(double, 1, end=nonlinear)).code == 201
    assert sorted(double.hits("/err/")) == ["/err/nonlinear?code=201", "/err/w1?code=201"]


def test_macros_in_a_tag_uri_are_filled_and_loops_still_found(double):
    double.serve("/end", INLINE_TEMPLATE)
    double.serve("/w1", wrapper("{base}/end?cb=[CACHEBUSTING]&ts=[TIMESTAMP]&x=[UNKNOWN]", "w1"))
    resolve_tag(f"{double.url.rstrip('/')}/w1?cb=[CACHEBUSTING]")
    assert re.fullmatch(r"/w1\?cb=\d{8}", double.requests[0])
    assert re.fullmatch(
        r"/end\?cb=\d{8}&ts=\d{4}-[^&]+%3A[^&]+&x=%5BUNKNOWN%5D", double.requests[1]
    )
    double.serve("/w1", wrapper("{base}/w1?cb=[CACHEBUSTING]", "w1"))
    assert _resolve_error(f"{double.url.rstrip('/')}/w1?cb=[CACHEBUSTING]").code == 302
