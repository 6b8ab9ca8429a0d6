"""Numbers in requests are ASCII digits or nothing: "²" passes str.isdigit() and then made
int() raise, a 500 on browse, search, the API lists, the admin and media links (issue 11)."""

from __future__ import annotations

import pytest
from django.test import Client
from hypothesis import given
from hypothesis import strategies as st

from shadowvault.request_numbers import parse_bounded_int, parse_id_list
from stored_media import signing
from streaming.models import IngestJob, Title

ODD = ["²", "①", "٣", "12²", "-1", "+3", "1e3", " ", "9" * 40, "1_000", "0x10", "١٩٩٩"]


@pytest.mark.parametrize("raw", ODD)
def test_odd_digits_are_not_numbers(raw):
    assert parse_bounded_int(raw, 0, 10**50) is None


def test_plain_numbers_are_read_within_their_bounds():
    assert parse_bounded_int(" 1999 ", 1870, 2100) == 1999
    assert parse_bounded_int("1869", 1870, 2100) is None
    assert parse_bounded_int(None, 0, 1) is None
    assert parse_id_list("3,x,²,4,,0", limit=10) == [3, 4]


@given(st.text(max_size=30))
def test_any_text_gives_a_number_in_bounds_or_none(raw):
    number = parse_bounded_int(raw, 5, 500)
    assert number is None or 5 <= number <= 500


@pytest.fixture
def site(alpha) -> Client:
    Title.objects.create(title="A Film", year=1999, status=Title.Status.PUBLISHED)
    return Client(HTTP_HOST="a.test")


@pytest.mark.parametrize(
    "url",
    [
        "/browse/?year=%C2%B2",
        "/browse/?year=%D9%A3",
        "/browse/?page=%C2%B2",
        "/search/?q=film&page=%C2%B2",
        "/api/titles/search/?q=film&page=%C2%B2",
    ],
)
def test_site_and_api_pages_ignore_odd_digits(site, url):
    response = site.get(url)

    assert response.status_code == 200


@pytest.mark.parametrize("param", ["year_from", "year_to"])
@pytest.mark.parametrize("path", ["/api/titles/", "/api/titles/search/"])
def test_api_year_filters_refuse_odd_digits_with_a_400(site, path, param):
    response = site.get(path, {param: "²"})

    assert response.status_code == 400
    assert param in response.json()


@pytest.mark.parametrize("url", ["/account/watchlist/?page=%C2%B2", "/account/history/?page=²"])
def test_account_lists_ignore_odd_page_numbers(site, alice, url):
    site.force_login(alice)

    assert site.get(url).status_code == 200


@pytest.mark.parametrize("path", ["/account/watchlist/remove/", "/account/history/remove/"])
def test_account_removals_ignore_odd_ids(site, alice, path):
    site.force_login(alice)

    response = site.post(path, {"title": "²", "entry": "²", "page": "²"})

    assert response.status_code == 302


def test_the_admin_live_view_skips_odd_ids(alpha, olivia):
    job = IngestJob.objects.create(tenant=alpha, via="t", source="https://x", source_kind="url")
    client = Client(HTTP_HOST="a.test")
    client.force_login(olivia)

    response = client.get("/admin/streaming/ingestjob/live/", {"ids": f"²,{job.pk},①"})

    assert response.status_code == 200
    assert list(response.json()["jobs"]) == [str(job.pk)]


def test_the_admin_match_page_ignores_an_odd_year(alpha, olivia, settings):
    settings.TMDB_API_KEY = ""  # no provider: the page says so instead of searching
    title = Title.objects.create(title="A Film")
    client = Client(HTTP_HOST="a.test")
    client.force_login(olivia)

    response = client.get(f"/admin/streaming/title/{title.pk}/match/", {"year": "²"})

    assert response.status_code == 200


def test_a_media_link_with_odd_digits_in_expires_is_refused_not_an_error(site):
    assert signing.verify("/media/1/f.mp4", "abc", "²") is signing.LinkCheck.BAD

    response = site.get("/media/1/f.mp4", {"md5": "abc", "expires": "²"})

    assert 400 <= response.status_code < 500


@pytest.mark.parametrize("pk", ["abc", "%C2%B2", "1.5", "9" * 25])
@pytest.mark.parametrize("action", ["seasons", "comments"])
def test_api_title_routes_answer_404_for_ids_that_are_no_number(site, alice, pk, action):
    site.force_login(alice)

    got = site.get(f"/api/titles/{pk}/{action}/")
    posted = site.post(f"/api/titles/{pk}/{action}/", {"body": "hi"})

    assert got.status_code == 404
    assert posted.status_code in (404, 405)


@pytest.mark.parametrize(
    "path",
    [
        "/api/titles/search.json",
        "/api/titles/1/seasons.json",
        "/api/titles/1/comments.json",
        "/api/progress/continue.json",
        "/api/titles.json",
    ],
)
def test_api_routes_with_a_format_suffix_are_404_not_an_error(site, alice, path):
    site.force_login(alice)

    assert site.get(path).status_code == 404
