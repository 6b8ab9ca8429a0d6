"""The JSON API: what one site shows, to whom, with constant queries and clear errors."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.urls import get_resolver
from rest_framework.test import APIClient

from streaming.api.token_store import issue_token
from streaming.models import Comment, Genre, Title, TitleHiding, WatchlistEntry
from tenants.models import Domain
from tests import factories
from tests.factories import PASSWORD, film_file


def api(host: str = "a.test", user=None) -> APIClient:
    client = APIClient(HTTP_HOST=host)
    if user is not None:
        tenant = Domain.objects.get(hostname=host).tenant
        client.credentials(HTTP_AUTHORIZATION=f"Token {issue_token(user, tenant, 'test').key}")
    return client


def film(name: str, year: int = 2000, status: str = Title.Status.PUBLISHED) -> Title:
    """A film with one file of 6000 s (progress past that is refused)."""
    title = factories.film(name, status, year=year)
    film_file(title, duration_seconds=6000)
    return title


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()


@pytest.fixture
def shelf(alpha, beta):
    drama = Genre.objects.create(name="Drama", slug="drama")
    heat = film("Heat", 1995)
    heat.genres.add(drama)
    ronin = film("Ronin", 1998)
    draft = film("Unfinished", status=Title.Status.DRAFT)
    hidden = film("Hidden On Alpha", 2001)
    TitleHiding.objects.create(tenant=alpha, title=hidden)
    return {"heat": heat, "ronin": ronin, "draft": draft, "hidden": hidden}


def names(response) -> set[str]:
    return {item["title"] for item in response.json()["results"]}


def test_anyone_lists_the_titles_the_site_shows(shelf):
    response = api().get("/api/titles/")

    assert response.status_code == 200
    assert names(response) == {"Heat", "Ronin"}


def test_another_site_shows_its_own_selection(shelf):
    assert names(api("b.test").get("/api/titles/")) == {"Heat", "Ronin", "Hidden On Alpha"}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("kind=film&genre=drama", {"Heat"}),
        ("year_from=1996", {"Ronin"}),
        ("year_to=1996", {"Heat"}),
        ("kind=series", set()),
    ],
)
def test_title_filters(shelf, query, expected):
    assert names(api().get(f"/api/titles/?{query}")) == expected


@pytest.mark.parametrize("query", ["kind=opera", "year_from=soon", "year_to=99999"])
def test_bad_filters_are_400_with_a_reason(shelf, query):
    response = api().get(f"/api/titles/?{query}")

    assert response.status_code == 400
    assert response.json()


def test_the_list_runs_constant_queries(shelf, django_assert_max_num_queries):
    api().get("/api/titles/")
    with django_assert_max_num_queries(4) as few:
        api().get("/api/titles/")
    for n in range(30):
        film(f"Extra {n}").genres.add(Genre.objects.get())

    with django_assert_max_num_queries(len(few.captured_queries)):
        response = api().get("/api/titles/")

    assert response.json()["count"] == 32


@pytest.mark.parametrize("which", ["draft", "hidden"])
def test_titles_the_site_does_not_show_are_404(shelf, which):
    assert api().get(f"/api/titles/{shelf[which].pk}/").status_code == 404


def test_detail_gives_members_a_signed_stream_link_and_strangers_none(shelf, alice):
    anonymous = api().get(f"/api/titles/{shelf['heat'].pk}/").json()
    member = api(user=alice).get(f"/api/titles/{shelf['heat'].pk}/").json()

    assert anonymous["media_files"][0]["stream_url"] is None
    assert "md5=" in member["media_files"][0]["stream_url"]
    assert member["genres"] == [{"name": "Drama", "slug": "drama"}]


def test_search_matches_words_and_survives_odd_input(shelf):
    assert names(api().get("/api/titles/search/?q=hea")) == {"Heat"}
    for odd in ['"', "' OR 1=1 --", "\\", "a" * 5000, "NEAR(x y)", "*:&|!"]:
        assert api().get("/api/titles/search/", {"q": odd}).status_code == 200


def test_seasons_list_episodes_with_their_files(shelf, alice):
    show = factories.series("Show", {1: [1]})

    seasons = api(user=alice).get(f"/api/titles/{show.pk}/seasons/").json()

    assert seasons[0]["number"] == 1
    assert "md5=" in seasons[0]["episodes"][0]["media_files"][0]["stream_url"]


def test_members_comment_and_reply_and_strangers_cannot(shelf, alice, alpha_admin):
    url = f"/api/titles/{shelf['heat'].pk}/comments/"

    first = api(user=alice).post(url, {"body": "Great <b>film</b>"}, format="json")
    reply = api(user=alpha_admin).post(
        url, {"body": "Yes", "parent": first.json()["id"]}, format="json"
    )
    anonymous = api().post(url, {"body": "hi"}, format="json")
    listed = api().get(url).json()["results"]

    assert (first.status_code, reply.status_code, anonymous.status_code) == (201, 201, 403)
    assert listed[0]["body"] == "Great <b>film</b>"  # stored as typed; escaped when shown
    assert [r["body"] for r in listed[0]["replies"]] == ["Yes"]


def test_comment_mistakes_are_400_with_the_reason(shelf, alice):
    url = f"/api/titles/{shelf['heat'].pk}/comments/"

    empty = api(user=alice).post(url, {"body": "   "}, format="json")
    long = api(user=alice).post(url, {"body": "x" * 2001}, format="json")
    for n in range(5):
        api(user=alice).post(url, {"body": f"c{n}"}, format="json")
    fast = api(user=alice).post(url, {"body": "again"}, format="json")

    assert empty.status_code == long.status_code == fast.status_code == 400
    assert "too fast" in fast.json()["detail"]


def test_reporting_a_comment(shelf, alice, alpha_admin):
    comment = Comment.objects.create(
        tenant=alice.memberships.get().tenant, user=alice, title=shelf["heat"], body="spam"
    )

    response = api(user=alpha_admin).post(f"/api/comments/{comment.pk}/report/", {"reason": "x"})

    assert response.status_code == 204
    assert comment.reports.count() == 1


def test_progress_is_saved_and_offered_to_continue(shelf, alice):
    media = shelf["heat"].media_files.get()

    saved = api(user=alice).post("/api/progress/", {"media_file": media.pk, "position": 300})
    rows = api(user=alice).get("/api/progress/continue/").json()
    history = api(user=alice).get("/api/progress/history/").json()["results"]

    assert saved.status_code == 200
    assert [(r["media_file"], r["position_seconds"]) for r in rows] == [(media.pk, 300)]
    assert len(history) == 1


@pytest.mark.parametrize(
    ("payload", "status"),
    [({"position": -5}, 400), ({"position": 99999}, 400), ({"position": "soon"}, 400), ({}, 400)],
)
def test_bad_progress_is_refused(shelf, alice, payload, status):
    media = shelf["heat"].media_files.get()

    response = api(user=alice).post("/api/progress/", {"media_file": media.pk, **payload})

    assert response.status_code == status


def test_progress_on_a_file_the_site_hides_is_404(shelf, alice):
    media = shelf["hidden"].media_files.get()

    response = api(user=alice).post("/api/progress/", {"media_file": media.pk, "position": 3})

    assert response.status_code == 404


def test_the_watchlist(shelf, alice):
    added = api(user=alice).post("/api/watchlist/", {"title_id": shelf["heat"].pk})
    listed = api(user=alice).get("/api/watchlist/").json()["results"]
    removed = api(user=alice).delete(f"/api/watchlist/{shelf['heat'].pk}/")

    assert added.status_code == 201
    assert [e["title"]["title"] for e in listed] == ["Heat"]
    assert removed.status_code == 204
    assert not WatchlistEntry.objects.exists()


def test_a_token_is_issued_only_on_a_site_the_user_belongs_to(shelf, alice):
    here = api().post("/api/token/", {"username": "alice", "password": PASSWORD})
    there = api("b.test").post("/api/token/", {"username": "alice", "password": PASSWORD})

    assert here.status_code == 200
    assert "token" in here.json()
    assert there.status_code == 400


def api_routes() -> list[str]:
    """Every API route, with ids filled in."""
    resolver = get_resolver()
    routes = []
    for pattern in resolver.url_patterns:
        if str(pattern.pattern) != "api/":
            continue
        for sub in pattern.url_patterns:
            route = str(getattr(sub, "pattern", ""))
            for inner in getattr(sub, "url_patterns", [sub]):
                text = route + str(inner.pattern)
                # The index (""), schema, docs and token routes are public entry points.
                if "format" in text or not text or text.startswith(("schema", "docs", "token")):
                    continue
                text = text.replace("(?P<pk>[^/.]+)", "1").replace("(?P<title_id>[^/.]+)", "1")
                text = text.replace("^", "").replace("$", "").replace("\\.", ".")
                routes.append("/api/" + text)
    return sorted(set(routes))


def test_a_member_of_another_site_is_refused_on_every_route(shelf, alice, bob):
    routes = api_routes()
    client = api("b.test", user=alice)

    for route in routes:
        for method in ("get", "post", "delete"):
            response = getattr(client, method)(route, {}, format="json")
            assert response.status_code in {403, 405}, (method, route, response.status_code)
    assert len(routes) >= 8


def test_the_openapi_schema_and_its_docs_page_are_served_locally(shelf):
    schema = api().get("/api/schema/")
    docs = api().get("/api/docs/")

    assert schema.status_code == 200
    assert b"/api/titles/" in schema.content
    assert docs.status_code == 200
    assert b"cdn." not in docs.content
    assert b"/static/drf_spectacular_sidecar/" in docs.content
