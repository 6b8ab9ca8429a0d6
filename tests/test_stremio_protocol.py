"""The Stremio addon, protocol v3 rule by rule, through the test client on Alpha's host:
the manifest, catalogs (paging with skip, search, genre, the extra-arguments path form),
metas (a series with its videos), streams (a film, an episode, a link that plays), subtitles,
CORS and caching headers, and what never shows (drafts, titles the site hides, another
site's token)."""

from __future__ import annotations

import re
from urllib.parse import quote, urlsplit

import pytest
from asgiref.sync import async_to_sync
from django.test import Client

from streaming.models import Genre, Title, TitleHiding
from stremio import tokens
from tenants.models import ViewerPlan
from tenants.site_state_rules import SiteState
from tenants.site_states import change_state
from tests.factories import MP4_BYTES, VTT_TEXT, film, film_file, series, stored, subtitle

pytestmark = pytest.mark.django_db

SEMVER = re.compile(r"\d+\.\d+\.\d+")


@pytest.fixture
def drama(db) -> Genre:
    return Genre.objects.create(name="Drama", slug="drama")


@pytest.fixture
def heat(drama) -> Title:
    """A film with an IMDb id, two versions (1080p with an English track, 720p)."""
    title = film("Heat", genres=[drama], imdb_id="tt0113277", year=1995, overview="Cops.")
    best = film_file(title, height=1080, quality_label="1080p", video_codec="h264")
    subtitle(best, "en", label="English")
    film_file(title, stored("heat-720.mp4"), height=720, video_codec="h264")
    return title


@pytest.fixture
def show(drama) -> Title:
    made = series("Show", {1: [1, 2]})
    made.genres.set([drama])
    return made


@pytest.fixture
def unseen(alpha, drama) -> list[Title]:
    """A draft, and a film Alpha hides: neither may show anywhere."""
    draft = film("Unfinished", Title.Status.DRAFT, genres=[drama])
    film_file(draft)
    hidden = film("Hidden one", genres=[Genre.objects.create(name="Hidden", slug="hidden")])
    film_file(hidden)
    TitleHiding.objects.create(tenant=alpha, title=hidden)
    return [draft, hidden]


@pytest.fixture
def secret(alpha, alice) -> str:
    return tokens.issue(alice, alpha, "Phone").secret


@pytest.fixture
def addon(secret):
    client = Client(HTTP_HOST="a.test")

    def get(rest: str, **extra):
        return client.get(f"/stremio/{secret}/{rest}", **extra)

    return get


def ok(response) -> dict:
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/json"
    return response.json()


def body_of(response) -> bytes:
    if not response.streaming:
        return response.content
    return async_to_sync(_joined)(response.streaming_content)


async def _joined(chunks) -> bytes:
    return b"".join([chunk async for chunk in chunks])


def played(url: str, **headers):
    """GET a signed link the addon gave, through the site's own /media/ view."""
    parts = urlsplit(url)
    return Client(HTTP_HOST=parts.netloc).get(f"{parts.path}?{parts.query}", **headers)


# --- manifest -----------------------------------------------------------------------------


def test_the_manifest_names_the_site_and_everything_the_addon_serves(addon, heat, unseen):
    manifest = ok(addon("manifest.json"))

    assert manifest["id"] == "test.a.shadowvault"  # a.test reversed: stable for the site
    assert SEMVER.fullmatch(manifest["version"])
    assert manifest["name"] == "Alpha"
    assert manifest["description"]
    assert manifest["logo"].startswith("http://a.test/")
    assert manifest["resources"] == ["catalog", "meta", "stream", "subtitles"]
    assert manifest["types"] == ["movie", "series"]
    assert manifest["idPrefixes"] == ["tt", "sv:"]
    assert manifest["behaviorHints"] == {"configurable": False, "configurationRequired": False}
    assert [(c["type"], c["id"]) for c in manifest["catalogs"]] == [
        ("movie", "films"),
        ("series", "series"),
    ]


def test_each_catalog_offers_search_genre_and_skip_with_the_sites_genres(addon, heat, unseen):
    Genre.objects.create(name="Nobody's", slug="nobodys")  # no title in it

    catalogs = ok(addon("manifest.json"))["catalogs"]

    for catalog in catalogs:
        extra = {e["name"]: e for e in catalog["extra"]}
        assert list(extra) == ["search", "genre", "skip"]
        # Genres of titles the site shows only: not the hidden film's, not an empty one.
        assert extra["genre"]["options"] == ["Drama"]
        assert not any(e["isRequired"] for e in catalog["extra"])


def test_a_logo_of_the_sites_own_is_the_addons(addon, alpha, settings, tmp_path):
    alpha.logo = "public/logos/alpha.png"
    alpha.save(update_fields=["logo"])

    assert ok(addon("manifest.json"))["logo"] == "http://a.test/uploads/public/logos/alpha.png"


# --- catalogs -----------------------------------------------------------------------------


def test_the_films_catalog_lists_the_films_the_site_shows(addon, heat, show, unseen):
    metas = ok(addon("catalog/movie/films.json"))["metas"]

    assert [m["name"] for m in metas] == ["Heat"]
    (meta,) = metas
    assert meta["id"] == "tt0113277"
    assert meta["type"] == "movie"
    assert meta["releaseInfo"] == "1995"
    assert meta["description"] == "Cops."
    assert meta["genres"] == ["Drama"]


def test_the_series_catalog_lists_series_under_our_own_prefix(addon, heat, show):
    metas = ok(addon("catalog/series/series.json"))["metas"]

    assert [(m["id"], m["type"], m["name"]) for m in metas] == [(f"sv:{show.pk}", "series", "Show")]


def test_catalogs_come_in_pages_of_100_and_skip_reads_on(addon, drama):
    made = Title.objects.bulk_create(
        Title(title=f"Film {n}", slug=f"film-{n}", status=Title.Status.PUBLISHED)
        for n in range(130)
    )
    first = ok(addon("catalog/movie/films.json"))["metas"]
    second = ok(addon("catalog/movie/films/skip=100.json"))["metas"]
    past = ok(addon("catalog/movie/films/skip=200.json"))["metas"]

    assert (len(first), len(second), past) == (100, 30, [])
    listed = {m["id"] for m in first + second}
    assert listed == {f"sv:{t.pk}" for t in made}


def test_search_finds_by_words(addon, heat, show):
    Title.objects.create(title="Cold Heat Rising", status=Title.Status.PUBLISHED)

    found = ok(addon("catalog/movie/films/search=heat.json"))["metas"]
    none = ok(addon("catalog/series/series/search=heat.json"))["metas"]

    assert {m["name"] for m in found} == {"Heat", "Cold Heat Rising"}
    assert none == []


def test_genre_keeps_the_titles_in_it(addon, heat, drama):
    film("Laughs", genres=[Genre.objects.create(name="Comedy", slug="comedy")])

    assert [m["name"] for m in ok(addon("catalog/movie/films/genre=Drama.json"))["metas"]] == [
        "Heat"
    ]
    assert [m["name"] for m in ok(addon("catalog/movie/films/genre=Comedy.json"))["metas"]] == [
        "Laughs"
    ]
    assert ok(addon("catalog/movie/films/genre=Western.json"))["metas"] == []


def test_the_extra_arguments_are_url_encoded_and_combine(addon, heat, drama):
    film("Heat Wave", genres=[Genre.objects.create(name="Science Fiction", slug="sf")])
    extra = "&".join(f"{k}={quote(v, safe='')}" for k, v in [("search", "heat wave")])
    genre = quote("Science Fiction", safe="")

    by_words = ok(addon(f"catalog/movie/films/{extra}.json"))["metas"]
    both = ok(addon(f"catalog/movie/films/search=heat&genre={genre}&skip=0.json"))["metas"]

    assert by_words[0]["name"] == "Heat Wave"
    assert [m["name"] for m in both] == ["Heat Wave"]


def test_an_encoded_slash_in_a_value_still_routes(addon, heat):
    # The server decodes %2F into a "/" before Django routes: the extra segment takes it.
    # (How a raw path keeps "&" inside a value: tests/test_stremio_ids_and_extras.py.)
    answer = addon("catalog/movie/films/search=heat%2Fcops.json")

    assert answer.status_code == 200


def test_a_bad_skip_is_a_400_with_a_reason(addon):
    for extra in (
        "skip=-1",
        "skip=x",
        "skip=%C2%B2",
        "skip=" + "9" * 30,
        "novalue",
        "search=%2500",
    ):
        answer = addon(f"catalog/movie/films/{extra}.json")
        assert answer.status_code == 400, extra
        assert answer.json()["error"]


# --- meta ---------------------------------------------------------------------------------


def test_a_films_meta_has_its_details(addon, heat):
    meta = ok(addon("meta/movie/tt0113277.json"))["meta"]

    assert (meta["id"], meta["type"], meta["name"]) == ("tt0113277", "movie", "Heat")
    assert meta["behaviorHints"] == {"defaultVideoId": "tt0113277"}
    assert "videos" not in meta


def test_a_series_meta_lists_its_episodes_as_videos(addon, show):
    meta = ok(addon(f"meta/series/sv:{show.pk}.json"))["meta"]

    videos = meta["videos"]
    assert [(v["id"], v["season"], v["episode"], v["title"]) for v in videos] == [
        (f"sv:{show.pk}:1:1", 1, 1, "Part 1"),
        (f"sv:{show.pk}:1:2", 1, 2, "Part 2"),
    ]
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\dT[\d:.]+Z", v["released"]) for v in videos)


def test_an_episode_without_a_version_is_not_a_video(addon):
    show = series("Empty", {1: [1]}, with_files=False)

    assert ok(addon(f"meta/series/sv:{show.pk}.json"))["meta"]["videos"] == []


def test_drafts_and_hidden_titles_have_no_meta(addon, unseen):
    for title in unseen:
        answer = addon(f"meta/movie/sv:{title.pk}.json")
        assert answer.status_code == 404
        assert answer.json() == {"error": "No such title on this site."}


def test_unknown_types_and_ids_are_json_404s(addon, heat, show):
    for rest in (
        "meta/channel/tt0113277.json",
        "meta/series/tt0113277.json",  # a film asked for as a series
        f"meta/movie/sv:{show.pk}.json",
        "meta/movie/tt9999999.json",
        "meta/movie/sv:0.json",
        "meta/movie/sv:²².json",
        "meta/movie/nonsense.json",
        "catalog/movie/nothing.json",
        "addon_catalog/movie/x.json",
    ):
        answer = addon(rest)
        assert answer.status_code == 404, rest
        assert answer["Content-Type"] == "application/json"
        assert answer.json()["error"]


# --- streams ------------------------------------------------------------------------------


def test_a_film_streams_each_version_best_first(addon, heat, alpha):
    streams = ok(addon("stream/movie/tt0113277.json"))["streams"]

    assert [s["name"] for s in streams] == ["Alpha 1080p", "Alpha 720p"]
    best = streams[0]
    media = heat.media_files.get(height=1080)
    assert best["title"].startswith("Heat")
    assert best["url"].startswith(f"http://a.test/media/{media.stored_id}/")
    assert best["behaviorHints"] == {
        "bingeGroup": "shadowvault-alpha-1080p",
        "videoSize": media.stored.size,
        "filename": media.stored.display_name,
    }


def test_a_stream_link_plays_with_ranges(addon, heat):
    url = ok(addon("stream/movie/tt0113277.json"))["streams"][0]["url"]

    answer = played(url, HTTP_RANGE="bytes=4-19")

    assert answer.status_code == 206
    assert answer["Content-Range"] == f"bytes 4-19/{len(MP4_BYTES)}"
    assert body_of(answer) == MP4_BYTES[4:20]


def test_an_episode_streams_its_own_file(addon, show):
    second = show.seasons.get().episodes.get(number=2).media_files.get()

    streams = ok(addon(f"stream/series/sv:{show.pk}:1:2.json"))["streams"]

    assert len(streams) == 1
    assert streams[0]["url"].startswith(f"http://a.test/media/{second.stored_id}/")
    assert streams[0]["title"].startswith("Show S01E02")
    assert streams[0]["behaviorHints"]["bingeGroup"] == "shadowvault-alpha-Original"
    assert played(streams[0]["url"], HTTP_RANGE="bytes=0-3").status_code == 206


def test_a_file_a_browser_cannot_play_says_not_web_ready(addon, drama):
    title = film("Webm film", imdb_id="tt0000001")
    film_file(title, stored("w.webm", b"\x1aE\xdf\xa3webm", kind="webm"), height=480)

    (only,) = ok(addon("stream/movie/tt0000001.json"))["streams"]

    assert only["behaviorHints"]["notWebReady"] is True


def test_no_stream_is_given_above_the_viewers_plan(addon, heat, alpha, alice):
    plan = ViewerPlan.objects.create(tenant=alpha, name="SD", max_height=720)
    alice.memberships.filter(tenant=alpha).update(viewer_plan=plan)

    streams = ok(addon("stream/movie/tt0113277.json"))["streams"]

    assert [s["name"] for s in streams] == ["Alpha 720p"]


def test_an_unknown_episode_and_a_film_asked_as_an_episode_are_404s(addon, heat, show):
    for rest in (
        f"stream/series/sv:{show.pk}:1:9.json",
        f"stream/series/sv:{show.pk}.json",
        "stream/movie/tt0113277:1:1.json",
        f"stream/series/sv:{show.pk}:1:x.json",
        f"stream/series/sv:{show.pk}:1:1:1.json",
    ):
        assert addon(rest).status_code == 404, rest


def test_a_hidden_title_has_no_streams(addon, unseen):
    for title in unseen:
        assert addon(f"stream/movie/sv:{title.pk}.json").status_code == 404


# --- subtitles ----------------------------------------------------------------------------


def test_subtitles_are_signed_webvtt_links_named_in_iso_639_2(addon, heat):
    (track,) = ok(addon("subtitles/movie/tt0113277.json"))["subtitles"]

    assert track["lang"] == "eng"
    answer = played(track["url"])
    assert answer.status_code == 200
    assert body_of(answer).decode() == VTT_TEXT


def test_the_extra_form_picks_the_tracks_of_the_version_of_that_size(addon, heat):
    smaller = heat.media_files.get(height=720)
    best = heat.media_files.get(height=1080)

    mine = ok(addon(f"subtitles/movie/tt0113277/videoHash=abc&videoSize={best.stored.size}.json"))
    other = ok(addon(f"subtitles/movie/tt0113277/videoSize={smaller.stored.size + 1}.json"))

    assert [t["lang"] for t in mine["subtitles"]] == ["eng"]
    assert [t["lang"] for t in other["subtitles"]] == ["eng"]  # no such size: the best's


# --- headers and tokens -------------------------------------------------------------------


ROUTES = [
    "manifest.json",
    "catalog/movie/films.json",
    "catalog/movie/films/skip=0.json",
    "meta/movie/tt0113277.json",
    "stream/movie/tt0113277.json",
    "subtitles/movie/tt0113277.json",
    "subtitles/movie/tt0113277/videoSize=1.json",
]


@pytest.mark.parametrize("rest", ROUTES)
def test_every_route_answers_any_origin_and_says_how_long_to_keep_it(addon, heat, rest):
    answer = addon(rest)

    assert answer.status_code == 200
    assert answer["Access-Control-Allow-Origin"] == "*"
    assert re.fullmatch(r"private, max-age=\d+", answer["Cache-Control"])


def test_streams_are_kept_shorter_than_catalogs(addon, heat):
    assert addon("catalog/movie/films.json")["Cache-Control"] == "private, max-age=300"
    assert addon("stream/movie/tt0113277.json")["Cache-Control"] == "private, max-age=60"


@pytest.mark.parametrize("rest", ROUTES)
def test_a_preflight_is_answered_without_a_token(alpha, rest):
    answer = Client(HTTP_HOST="a.test").options(f"/stremio/st_nothing/{rest}")

    assert answer.status_code == 204
    assert answer["Access-Control-Allow-Origin"] == "*"
    assert "GET" in answer["Access-Control-Allow-Methods"]


def test_a_revoked_token_gets_a_clear_json_401(addon, alpha, alice, secret):
    token = tokens.find_live(secret, alpha)
    tokens.revoke(alice, alpha, token.pk)

    answer = addon("manifest.json")

    assert answer.status_code == 401
    assert answer["Access-Control-Allow-Origin"] == "*"
    assert answer["Cache-Control"] == "no-store"
    assert "revoked" in answer.json()["error"]


def test_a_suspended_site_answers_the_addon_in_json_it_can_read(addon, alpha):
    change_state(alpha, SiteState.PAST_DUE, by=None, reason="unpaid")
    change_state(alpha, SiteState.SUSPENDED, by=None, reason="The grace period ended.")

    answer = addon("catalog/movie/sv-movies.json")

    assert answer.status_code == 403
    assert answer["Content-Type"] == "application/json"
    assert answer["Access-Control-Allow-Origin"] == "*"  # Stremio's web app can read why
    assert "suspended" in answer.json()["error"]


def test_another_sites_token_opens_nothing_here(alpha, beta, bob, heat):
    theirs = tokens.issue(bob, beta, "Bob's phone").secret

    here = Client(HTTP_HOST="a.test").get(f"/stremio/{theirs}/catalog/movie/films.json")
    there = Client(HTTP_HOST="b.test").get(f"/stremio/{theirs}/catalog/movie/films.json")

    assert here.status_code == 401
    assert [m["name"] for m in ok(there)["metas"]] == ["Heat"]


def test_a_token_of_someone_no_longer_a_member_opens_nothing(addon, alice, alpha):
    alice.memberships.filter(tenant=alpha).delete()

    answer = addon("manifest.json")

    assert answer.status_code == 401
    assert "no longer a member" in answer.json()["error"]


def test_writes_are_refused(secret):
    answer = Client(HTTP_HOST="a.test").post(f"/stremio/{secret}/manifest.json")

    assert answer.status_code == 405
    assert answer.json()["error"]
