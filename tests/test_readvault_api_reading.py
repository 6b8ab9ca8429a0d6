"""ReadVault's reading over the JSON API (/api/v1/comics/: series, chapters, progress,
want-to-read): the site's rule and the member's age cap as on the site's pages, per site and
per user, token or session, 400s that say why, and a fixed number of queries per list page."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from readvault.models import (
    Genre,
    Person,
    ReadingProgress,
    SeriesCredit,
    SeriesHiding,
    WantToRead,
)
from readvault.reading.progress import record_page
from streaming.api.token_store import issue_token
from tenants.models import Membership
from tests.factories import comic_chapter, comic_series

pytestmark = pytest.mark.django_db

API = "/api/v1/comics/"


def token_client(user, tenant, host: str = "a.test") -> APIClient:
    client = APIClient(HTTP_HOST=host)
    client.credentials(HTTP_AUTHORIZATION=f"Token {issue_token(user, tenant, 'test').key}")
    return client


@pytest.fixture
def library(alpha, beta):
    """Two series Alpha shows (one with two chapters, credits, a genre), a draft, and one
    only Beta shows."""
    drama = Genre.objects.create(name="Drama", slug="drama")
    berserk = comic_series(
        "Berserk",
        alternative_titles=["Beruseruku"],
        run_status="ongoing",
        language="ja",
        reading_direction="rtl",
        age_rating="Teen",
    )
    berserk.genres.add(drama)
    SeriesCredit.objects.create(
        series=berserk, person=Person.objects.create(name="Kentaro Miura"), role="writer"
    )
    second = comic_chapter(berserk, "2", pages=[_jpeg(), _jpeg(), _jpeg()])
    first = comic_chapter(berserk, "1", pages=[_jpeg(), _jpeg()])
    pluto = comic_series("Pluto", language="en", run_status="completed", age_rating="Mature 17+")
    comic_chapter(pluto, "1")
    draft = comic_series("Unfinished", publish=False)
    secret = comic_series("Beta Only")
    secret_chapter = comic_chapter(secret, "1")
    SeriesHiding.objects.create(tenant=alpha, series=secret)
    return {
        "berserk": berserk,
        "first": first,
        "second": second,
        "pluto": pluto,
        "draft": draft,
        "secret": secret,
        "secret_chapter": secret_chapter,
    }


def _jpeg() -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (60, 90), "white").save(out, "JPEG")
    return out.getvalue()


# -- the catalogue ---------------------------------------------------------------------------


def test_anyone_lists_the_series_this_site_shows(library, alpha):
    answer = APIClient(HTTP_HOST="a.test").get(f"{API}series/")

    assert answer.status_code == 200
    body = answer.json()
    assert [row["title"] for row in body["results"]] == ["Berserk", "Pluto"]
    assert body["count"] == 2
    berserk = body["results"][0]
    assert berserk["genres"] == [{"name": "Drama", "slug": "drama"}]
    assert berserk["url"] == f"/manga/{library['berserk'].slug}/"
    assert "/pages/" in berserk["cover_url"]
    assert "expires=" in berserk["cover_url"]


def test_the_list_filters_as_the_grid_does(library, alpha):
    client = APIClient(HTTP_HOST="a.test")

    def titles(query: str) -> list[str]:
        answer = client.get(f"{API}series/?{query}")
        assert answer.status_code == 200, answer.content
        return [row["title"] for row in answer.json()["results"]]

    assert titles("status=completed") == ["Pluto"]
    assert titles("genre=drama") == ["Berserk"]
    assert titles("language=en") == ["Pluto"]
    assert titles("direction=rtl") == ["Berserk"]
    assert titles("q=beruseruku") == ["Berserk"]
    assert titles("q=berserk&language=en") == []
    assert titles("q=unfinished") == []  # a draft is never found
    assert titles("q=beta+only") == []  # nor a series this site hides


@pytest.mark.parametrize(
    ("query", "param"),
    [
        ("status=sleeping", "status"),
        ("genre=nope", "genre"),
        ("language=xx", "language"),
        ("direction=up", "direction"),
        ("sort=%C2%B2", "sort"),
    ],
)
def test_a_bad_filter_is_a_400_saying_why(library, alpha, query, param):
    answer = APIClient(HTTP_HOST="a.test").get(f"{API}series/?{query}")

    assert answer.status_code == 400
    assert "There is no" in answer.json()[param] or "Unknown order" in answer.json()[param]


def test_a_series_has_its_credits_cover_and_chapters_in_reading_order(library, alpha, alice):
    berserk, first, second = library["berserk"], library["first"], library["second"]
    record_page(alpha, alice, first, 1)  # the last page: read
    record_page(alpha, alice, second, 1)

    body = token_client(alice, alpha).get(f"{API}series/{berserk.pk}/").json()

    assert body["credits"] == [{"role": "Writer", "name": "Kentaro Miura"}]
    assert body["alternative_titles"] == ["Beruseruku"]
    assert "expires=" in body["cover_url"]
    assert [c["id"] for c in body["chapters"]] == [first.pk, second.pk]
    assert [c["read_state"] for c in body["chapters"]] == [
        {"state": "read", "page": 1, "finished": True},
        {"state": "reading", "page": 1, "finished": False},
    ]
    assert body["resume"] == {"chapter": second.pk, "page": 1, "started": True}
    assert body["want_to_read"] is False


def test_a_visitor_sees_every_chapter_unread(library, alpha, alice):
    record_page(alpha, alice, library["first"], 1)

    body = APIClient(HTTP_HOST="a.test").get(f"{API}series/{library['berserk'].pk}/").json()

    assert {c["read_state"]["state"] for c in body["chapters"]} == {"unread"}


@pytest.mark.parametrize("which", ["draft", "secret"])
def test_a_series_this_site_does_not_show_is_a_404(library, alpha, which):
    answer = APIClient(HTTP_HOST="a.test").get(f"{API}series/{library[which].pk}/")

    assert answer.status_code == 404
    assert answer.json() == {"detail": "No such series on this site."}


def test_the_same_series_shows_on_the_site_that_shows_it(library, beta):
    answer = APIClient(HTTP_HOST="b.test").get(f"{API}series/{library['secret'].pk}/")

    assert answer.status_code == 200


def test_a_chapter_has_signed_page_links_at_the_width_asked(library, alpha, alice):
    chapter = library["second"]
    client = token_client(alice, alpha)

    body = client.get(f"{API}chapters/{chapter.pk}/?width=800").json()

    assert body["chapter"]["id"] == chapter.pk
    assert body["series"]["id"] == library["berserk"].pk
    assert body["direction"] == "rtl"
    assert body["width"] == 800
    assert [page["index"] for page in body["pages"]] == [0, 1, 2]
    for page in body["pages"]:
        assert page["url"].startswith(f"/pages/{chapter.pk}/{page['index']}/")
        assert "expires=" in page["url"]
    assert body["previous"] == library["first"].pk
    assert body["next"] is None
    assert body["read_state"] == {"state": "unread", "page": None, "finished": False}


@pytest.mark.parametrize("width", ["abc", "0", "-1", "²", "99999999999999999999999"])
def test_a_bad_width_is_a_400(library, alpha, width):
    answer = APIClient(HTTP_HOST="a.test").get(
        f"{API}chapters/{library['first'].pk}/", {"width": width}
    )

    assert answer.status_code == 400
    assert "width" in answer.json()


def test_a_chapter_of_a_hidden_series_is_a_404(library, alpha):
    answer = APIClient(HTTP_HOST="a.test").get(f"{API}chapters/{library['secret_chapter'].pk}/")

    assert answer.status_code == 404


def test_a_members_age_cap_keeps_series_out_of_the_api(library, alpha, alice):
    Membership.objects.filter(user=alice, tenant=alpha).update(age_cap=13)
    client = token_client(alice, alpha)

    listed = [row["title"] for row in client.get(f"{API}series/").json()["results"]]
    detail = client.get(f"{API}series/{library['pluto'].pk}/")
    chapter = client.get(f"{API}chapters/{library['pluto'].chapters.get().pk}/")

    assert listed == ["Berserk"]
    assert detail.status_code == 404
    assert chapter.status_code == 404


def test_another_sites_token_is_refused(library, alpha, beta, bob):
    answer = token_client(bob, beta).get(f"{API}series/")

    assert answer.status_code == 401


# -- progress -------------------------------------------------------------------------------


def test_progress_is_for_members(library, alpha, bob):
    chapter = library["first"]
    visitor = APIClient(HTTP_HOST="a.test")
    stranger = APIClient(HTTP_HOST="a.test")
    stranger.force_login(bob)  # a member of Beta only: anonymous here

    for client in (visitor, stranger):
        assert client.get(f"{API}progress/").status_code in {401, 403}
        saved = client.put(f"{API}progress/{chapter.pk}/", {"page": 0}, format="json")
        assert saved.status_code in {401, 403}
        assert client.get(f"{API}want-to-read/").status_code in {401, 403}
    assert not ReadingProgress.objects.exists()


def test_a_member_saves_a_page_and_lists_progress_most_recent_first(library, alpha, alice):
    client = token_client(alice, alpha)
    first, second = library["first"], library["second"]

    saved = client.put(f"{API}progress/{second.pk}/", {"page": 1}, format="json")
    posted = client.post(f"{API}progress/{first.pk}/", {"page": 0}, format="json")

    assert saved.status_code == 200, saved.content
    assert saved.json()["page"] == 1
    assert saved.json()["finished"] is False
    assert posted.json()["chapter"]["id"] == first.pk
    listed = client.get(f"{API}progress/").json()["results"]
    assert [row["chapter"]["id"] for row in listed] == [first.pk, second.pk]
    assert listed[1]["series"]["id"] == library["berserk"].pk
    one = client.get(f"{API}progress/{second.pk}/").json()
    assert (one["page"], one["page_count"]) == (1, 3)


def test_the_last_page_finishes_a_chapter(library, alpha, alice):
    client = token_client(alice, alpha)

    answer = client.put(f"{API}progress/{library['first'].pk}/", {"page": 1}, format="json")

    assert answer.json()["finished"] is True


@pytest.mark.parametrize(
    "body",
    [{"page": 3}, {"page": -1}, {"page": "two"}, {}, {"page": None}, {"page": 2**70}, []],
)
def test_a_bad_page_is_a_400_with_a_message(library, alpha, alice, body):
    client = token_client(alice, alpha)

    answer = client.put(f"{API}progress/{library['second'].pk}/", body, format="json")

    assert answer.status_code == 400
    assert answer.json()
    assert not ReadingProgress.objects.exists()


@pytest.mark.parametrize("raw", ["[" * 5000 + "]" * 5000, '{"page": 1, "x": "' + "y" * 5000 + '"}'])
def test_deep_or_long_json_is_a_400_not_a_500(library, alpha, alice, raw):
    answer = token_client(alice, alpha).post(
        f"{API}progress/{library['second'].pk}/", raw, content_type="application/json"
    )

    assert answer.status_code == 400
    assert "detail" in answer.json()


def test_a_page_past_the_end_names_the_range(library, alpha, alice):
    answer = token_client(alice, alpha).put(
        f"{API}progress/{library['second'].pk}/", {"page": 3}, format="json"
    )

    assert answer.json() == {"page": "page is the 0-based index of a page of this chapter, 0 to 2."}


def test_mark_read_unread_and_forget(library, alpha, alice):
    client = token_client(alice, alpha)
    first, second = library["first"], library["second"]

    one = client.post(f"{API}progress/{second.pk}/read/", {}, format="json")
    assert one.json() == {"marked": 1}
    assert client.get(f"{API}progress/{second.pk}/").json()["finished"] is True
    unread = client.post(f"{API}progress/{second.pk}/unread/")
    assert unread.json() == {"marked": 1}
    assert client.get(f"{API}progress/{second.pk}/").status_code == 404

    up_to = client.post(f"{API}progress/{second.pk}/read/", {"up_to": True}, format="json")
    assert up_to.json() == {"marked": 2}
    assert ReadingProgress.objects.filter(user=alice, finished=True).count() == 2
    assert client.delete(f"{API}progress/{first.pk}/").status_code == 204
    assert client.delete(f"{API}progress/{first.pk}/").status_code == 404
    assert [row["chapter"]["id"] for row in client.get(f"{API}progress/").json()["results"]] == [
        second.pk
    ]


def test_progress_in_a_chapter_this_site_hides_is_a_404(library, alpha, alice):
    client = token_client(alice, alpha)
    chapter = library["secret_chapter"]

    put = client.put(f"{API}progress/{chapter.pk}/", {"page": 0}, format="json")
    read = client.post(f"{API}progress/{chapter.pk}/read/", {}, format="json")

    assert (put.status_code, read.status_code) == (404, 404)
    assert not ReadingProgress.objects.exists()


def test_progress_belongs_to_one_site_and_one_user(library, alpha, beta, alice, bob):
    record_page(beta, bob, library["secret_chapter"], 0)
    record_page(beta, alice, library["first"], 0)  # alice's, on another site
    record_page(alpha, alice, library["second"], 0)

    mine = token_client(alice, alpha).get(f"{API}progress/").json()["results"]
    bobs = token_client(bob, beta, "b.test").get(f"{API}progress/").json()["results"]

    assert [row["chapter"]["id"] for row in mine] == [library["second"].pk]
    assert [row["chapter"]["id"] for row in bobs] == [library["secret_chapter"].pk]


# -- want to read ---------------------------------------------------------------------------


def test_want_to_read_add_list_remove(library, alpha, alice):
    client = token_client(alice, alpha)
    berserk, pluto = library["berserk"], library["pluto"]

    added = client.post(f"{API}want-to-read/", {"series_id": berserk.pk}, format="json")
    client.post(f"{API}want-to-read/", {"series_id": pluto.pk}, format="json")
    again = client.post(f"{API}want-to-read/", {"series_id": pluto.pk}, format="json")

    assert added.status_code == 201, added.content
    assert added.json()["series"]["id"] == berserk.pk
    assert again.status_code == 201
    listed = client.get(f"{API}want-to-read/").json()
    assert [row["series"]["title"] for row in listed["results"]] == ["Pluto", "Berserk"]
    assert client.get(f"{API}series/{berserk.pk}/").json()["want_to_read"] is True
    assert client.delete(f"{API}want-to-read/{berserk.pk}/").status_code == 204
    assert client.delete(f"{API}want-to-read/{berserk.pk}/").status_code == 404
    assert WantToRead.objects.filter(user=alice).count() == 1


@pytest.mark.parametrize("body", [{}, {"series_id": "x"}, {"series_id": 0}, {"series_id": 2**64}])
def test_bad_want_to_read_input_is_a_400(library, alpha, alice, body):
    answer = token_client(alice, alpha).post(f"{API}want-to-read/", body, format="json")

    assert answer.status_code == 400
    assert "series_id" in answer.json()


def test_a_hidden_series_cannot_be_wanted_nor_listed(library, alpha, beta, alice, bob):
    client = token_client(alice, alpha)
    WantToRead.objects.create(tenant=beta, user=bob, series=library["berserk"])
    WantToRead.objects.create(tenant=alpha, user=alice, series=library["secret"])  # hid later

    refused = client.post(f"{API}want-to-read/", {"series_id": library["draft"].pk}, format="json")
    listed = client.get(f"{API}want-to-read/").json()

    assert refused.status_code == 404
    assert listed["results"] == []


# -- cost and schema ------------------------------------------------------------------------


def _queries(client: Client, path: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        answer = client.get(path)
    assert answer.status_code == 200, (path, answer.content)
    return len(captured.captured_queries)


def test_each_list_page_runs_the_same_queries_whatever_it_holds(library, alpha, alice):
    client = Client(HTTP_HOST="a.test")
    client.force_login(alice)
    paths = [
        f"{API}series/",
        f"{API}series/?q=series",
        f"{API}series/?genre=drama&sort=updated",
        f"{API}progress/",
        f"{API}want-to-read/",
        f"{API}series/{library['berserk'].pk}/",
        f"{API}chapters/{library['second'].pk}/?width=400",
    ]
    for n in range(2):
        series = comic_series(f"Series {n}")
        chapter = comic_chapter(series, "1")
        record_page(alpha, alice, chapter, 0)
        WantToRead.objects.create(tenant=alpha, user=alice, series=series)
    few = {path: _queries(client, path) for path in paths}
    drama = Genre.objects.get(slug="drama")
    for n in range(2, 14):
        series = comic_series(f"Series {n}")
        series.genres.add(drama)
        chapter = comic_chapter(series, "1")
        record_page(alpha, alice, chapter, 0)
        WantToRead.objects.create(tenant=alpha, user=alice, series=series)
    for n in range(3, 9):
        comic_chapter(library["berserk"], str(n))

    many = {path: _queries(client, path) for path in paths}

    assert many == few


def test_the_reading_routes_join_the_openapi_schema(alpha):
    schema = Client(HTTP_HOST="a.test").get("/api/schema/", HTTP_ACCEPT="application/json")

    paths = schema.json()["paths"]
    for route in [
        "series/",
        "series/{series_id}/",
        "chapters/{chapter_id}/",
        "progress/",
        "progress/{chapter_id}/",
        "progress/{chapter_id}/read/",
        "progress/{chapter_id}/unread/",
        "want-to-read/",
        "want-to-read/{series_id}/",
    ]:
        assert f"{API}{route}" in paths, route
    assert {"get", "put", "post", "delete"} <= set(paths[f"{API}progress/{{chapter_id}}/"])
    assert "post" in paths[f"{API}want-to-read/"]
