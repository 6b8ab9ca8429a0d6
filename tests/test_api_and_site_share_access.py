"""The JSON API and the site load through one access layer (streaming.site.access) and read
one set of filters (streaming.site.browse_filters): a title the site hid is the same 404 in
both, the genre filter lists a title once, and the watchlist keeps to the visible rule on
its joined rows, at a query count that does not grow with the list."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from streaming.api.token_store import issue_token
from streaming.models import Comment, Genre, Title, TitleHiding, WatchlistEntry
from streaming.site.access import NO_SUCH_TITLE
from tests import factories
from tests.factories import film_file

pytestmark = pytest.mark.django_db


def film(name: str, year: int = 2000, status: str = Title.Status.PUBLISHED) -> Title:
    """A film with one file of 6000 s."""
    title = factories.film(name, status, year=year)
    film_file(title, duration_seconds=6000)
    return title


def api_as(user, tenant) -> APIClient:
    client = APIClient(HTTP_HOST="a.test")
    client.credentials(HTTP_AUTHORIZATION=f"Token {issue_token(user, tenant, 'test').key}")
    return client


@pytest.fixture
def shelf(alpha):
    drama = Genre.objects.create(name="Drama", slug="drama")
    crime = Genre.objects.create(name="Crime", slug="crime")
    heat = film("Heat", 1995)
    heat.genres.add(drama, crime)
    ronin = film("Ronin", 1998)
    ronin.genres.add(crime)
    hidden = film("Hidden", 2001)
    hidden.genres.add(drama, crime)
    TitleHiding.objects.create(tenant=alpha, title=hidden)
    draft = film("Draft", status=Title.Status.DRAFT)
    return {"heat": heat, "ronin": ronin, "hidden": hidden, "draft": draft}


def listed(response) -> list[str]:
    return [item["title"] for item in response.json()["results"]]


# --- filters --------------------------------------------------------------------------------


def test_a_title_with_two_genres_is_listed_once_under_either(shelf):
    client = APIClient(HTTP_HOST="a.test")

    with CaptureQueriesContext(connection) as captured:
        drama = client.get("/api/titles/?genre=drama").json()
    # Read now: the next request's start empties the connection's query log.
    listing = next(q["sql"] for q in captured if 'FROM "streaming_title"' in q["sql"])
    crime = client.get("/api/titles/?genre=crime").json()

    assert [t["title"] for t in drama["results"]] == ["Heat"]
    assert drama["count"] == 1
    assert sorted(t["title"] for t in crime["results"]) == ["Heat", "Ronin"]
    assert crime["count"] == 2
    # The genre is an EXISTS per title (TitleQuerySet.in_genre), not a join of the genre
    # table into the list, which yields a title once per matching genre row.
    assert "EXISTS" in listing
    assert "JOIN" not in listing.split("EXISTS", 1)[0]


def test_the_api_filters_as_the_browse_page_does(shelf, on_alpha):
    client = APIClient(HTTP_HOST="a.test")

    api = listed(client.get("/api/titles/?genre=crime&sort=title&year_to=1996"))
    page = on_alpha.get("/browse/?genre=crime&sort=title&year_to=1996").context["page"]

    assert api == [t.title for t in page.object_list] == ["Heat"]
    assert listed(client.get("/api/titles/?year=1998")) == ["Ronin"]
    assert listed(client.get("/api/titles/?genre=no-such-genre")) == []


@pytest.mark.parametrize(
    ("query", "param", "reason"),
    [
        ("kind=opera", "kind", "There is no kind “opera”."),
        ("sort=random", "sort", "Unknown order “random”."),
        ("year=soon", "year", "“soon” is not a year we know. Use four digits, such as 1999."),
    ],
)
def test_a_value_the_browse_page_would_drop_is_a_400_with_its_reason(
    shelf, on_alpha, query, param, reason
):
    api = APIClient(HTTP_HOST="a.test").get(f"/api/titles/?{query}")
    search = APIClient(HTTP_HOST="a.test").get(f"/api/titles/search/?q=heat&{query}")
    page = on_alpha.get(f"/browse/?{query}")

    assert (api.status_code, search.status_code, page.status_code) == (400, 400, 200)
    assert api.json() == {param: reason}
    assert reason.rstrip(".").split(".")[0] in page.content.decode().replace("&#x27;", "'")


# --- one 404 --------------------------------------------------------------------------------


@pytest.mark.parametrize("which", ["hidden", "draft"])
def test_a_title_the_site_does_not_show_is_the_same_404_as_no_title(shelf, alice, alpha, which):
    title = shelf[which]
    site = Client(HTTP_HOST="a.test")
    api = api_as(alice, alpha)

    site_hidden = site.get(f"/title/{title.slug}/")
    site_missing = site.get("/title/no-such-title/")
    answers = {
        path: (api.get(path.format(title.pk)), api.get(path.format(999_999)))
        for path in ("/api/titles/{}/", "/api/titles/{}/seasons/", "/api/titles/{}/comments/")
    }
    on_list = api.post("/api/watchlist/", {"title_id": title.pk})
    commented = api.post(f"/api/titles/{title.pk}/comments/", {"body": "hi"}, format="json")

    assert site_hidden.status_code == site_missing.status_code == 404
    assert site_hidden.content == site_missing.content
    for hidden, missing in answers.values():
        assert hidden.status_code == missing.status_code == 404
        assert hidden.json() == missing.json() == {"detail": NO_SUCH_TITLE}
    assert on_list.status_code == commented.status_code == 404
    assert on_list.json() == commented.json() == {"detail": NO_SUCH_TITLE}
    assert not WatchlistEntry.objects.exists()
    assert not Comment.objects.exists()


# --- the watchlist --------------------------------------------------------------------------


def test_the_api_watchlist_hides_what_the_site_hid_in_constant_queries(shelf, alice, alpha):
    client = Client(HTTP_HOST="a.test")
    client.force_login(alice)
    api = api_as(alice, alpha)
    for name in ("heat", "ronin", "hidden"):
        WatchlistEntry.objects.create(tenant=alpha, user=alice, title=shelf[name])
    api.get("/api/watchlist/")  # the token's first use records it

    with CaptureQueriesContext(connection) as few:
        short = api.get("/api/watchlist/").json()
    few = list(few)  # the next request's start empties the connection's query log
    for n in range(20):
        extra = film(f"Extra {n}")
        extra.genres.add(Genre.objects.get(slug="drama"))
        WatchlistEntry.objects.create(tenant=alpha, user=alice, title=extra)
        if n % 2:
            TitleHiding.objects.create(tenant=alpha, title=extra)
    with CaptureQueriesContext(connection) as many:
        long = api.get("/api/watchlist/").json()
    many = list(many)
    site = client.get("/account/watchlist/").context["page"]

    assert sorted(e["title"]["title"] for e in short["results"]) == ["Heat", "Ronin"]
    assert long["count"] == 2 + 10 == site.paginator.count
    assert {e["title"]["title"] for e in long["results"]} == {e.title.title for e in site}
    assert len(many) == len(few)
    # The rule on the joined title rows, never a list of every visible title to match.
    entries = next(q["sql"] for q in many if 'FROM "streaming_watchlistentry"' in q["sql"])
    assert 'JOIN "streaming_title"' in entries
    assert 'FROM "streaming_title"' not in entries


# --- comments -------------------------------------------------------------------------------


def test_a_reply_to_a_comment_that_is_gone_is_refused_alike(shelf, alice, alpha):
    client = Client(HTTP_HOST="a.test")
    client.force_login(alice)
    heat = shelf["heat"]

    api = api_as(alice, alpha).post(
        f"/api/titles/{heat.pk}/comments/", {"body": "Agreed", "parent": 999_999}, format="json"
    )
    page = client.post(f"/title/{heat.slug}/comments/", {"body": "Agreed", "parent": 999_999})

    assert (api.status_code, page.status_code) == (400, 400)
    assert api.json()["detail"] == "The comment you replied to is not here any more."
    assert "The comment you replied to is not here any more." in page.content.decode()
    assert "Agreed" in page.content.decode()  # the page keeps what was written
    assert not Comment.objects.exists()
