"""`/api/` is a JSON map of the API: its roots on this site and where the docs are."""

from __future__ import annotations

from urllib.parse import urlsplit

from rest_framework.test import APIClient


def test_the_api_prefix_answers_a_json_index(alpha):
    response = APIClient(HTTP_HOST="a.test").get("/api/")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    index = response.json()
    assert set(index["roots"]) >= {"titles", "search", "progress", "watchlist", "ingest", "token"}
    assert index["docs"] == "http://a.test/api/docs/"
    assert index["schema"] == "http://a.test/api/schema/"


def test_every_listed_root_is_a_route_of_this_site(alpha):
    client = APIClient(HTTP_HOST="a.test")
    index = client.get("/api/").json()

    for url in [*index["roots"].values(), index["docs"], index["schema"]]:
        parts = urlsplit(url)
        assert parts.netloc == "a.test", url
        # Signed out, a member-only root says 401/403 and the token root wants a POST (405):
        # what matters is that each one exists.
        assert client.get(parts.path).status_code != 404, url


def test_a_refused_token_still_gets_the_map(alpha):
    client = APIClient(HTTP_HOST="a.test", HTTP_AUTHORIZATION="Token not-a-token")

    assert client.get("/api/").status_code == 200


def test_a_host_no_site_owns_gets_no_index(db):
    assert APIClient(HTTP_HOST="nobody.test").get("/api/").status_code == 404
