"""The TMDB provider against a local double of TMDB v3, and its answers applied to titles."""

from __future__ import annotations

import io
import logging
import socket

import pytest
from PIL import Image

from streaming.metadata.apply import apply_details, record_failure, store_images
from streaming.metadata.base import (
    FILM,
    SERIES,
    Details,
    MetadataError,
    MetadataNotFound,
    MetadataUnavailable,
)
from streaming.metadata.tmdb import TMDBProvider
from streaming.models import Credit, Genre, Person, Season, Title
from tests.support.tmdb_double import READ_TOKEN, TMDBDouble


@pytest.fixture
def sleeps() -> list[float]:
    return []


@pytest.fixture
def provider(tmdb, sleeps) -> TMDBProvider:
    return TMDBProvider.from_settings(sleep=sleeps.append)


def paths(double: TMDBDouble) -> list[str]:
    return [path for path, _, _ in double.requests]


# Search


def test_search_finds_films_by_title_and_year(provider, tmdb):
    [hit] = provider.search("The Matrix", year=1999, kind=FILM)

    assert (hit.provider, hit.external_id, hit.kind) == ("tmdb", "603", FILM)
    assert (hit.title, hit.original_title, hit.year) == ("The Matrix", "The Matrix", 1999)
    assert hit.poster_url == "https://image.tmdb.org/t/p/w780/f89U3ADr1oiB1s9GkdPOEpXUk5H.jpg"
    [(path, params, _)] = tmdb.requests
    assert path == "/3/search/movie"
    assert params["query"] == "The Matrix"
    assert params["year"] == "1999"
    assert params["language"] == "en-US"


def test_search_for_series_filters_by_first_air_date_year(provider, tmdb):
    [hit] = provider.search("breaking", year=2008, kind=SERIES)

    assert (hit.external_id, hit.title, hit.year, hit.kind) == (
        "1396",
        "Breaking Bad",
        2008,
        SERIES,
    )
    assert tmdb.requests[0][1]["first_air_date_year"] == "2008"


def test_search_without_a_kind_asks_for_films_and_series(provider, tmdb):
    hits = provider.search("matrix")

    assert [h.external_id for h in hits] == ["603", "604"]
    assert paths(tmdb) == ["/3/search/movie", "/3/search/tv"]


def test_an_empty_search_asks_nothing(provider, tmdb):
    assert provider.search("   ") == []
    assert tmdb.requests == []


# Details


def test_film_details_carry_genres_runtime_rating_ids_images_and_credits(provider, tmdb):
    details = provider.details("603", FILM)

    assert (details.provider, details.kind, details.title) == ("tmdb", FILM, "The Matrix")
    assert (details.year, details.runtime_minutes) == (1999, 136)
    assert details.genres == ["Action", "Science Fiction"]
    assert details.content_rating == "R"  # US theatrical, not the empty digital release
    assert (details.tmdb_id, details.imdb_id) == (603, "tt0133093")
    assert details.poster == "https://image.tmdb.org/t/p/w780/f89U3ADr1oiB1s9GkdPOEpXUk5H.jpg"
    assert details.backdrop == "https://image.tmdb.org/t/p/w1280/fNG7i7RqMErkcqhohV2a6cV1Ehy.jpg"
    assert [(c.name, c.role, c.character, c.order, c.tmdb_person_id) for c in details.credits] == [
        ("Keanu Reeves", "cast", "Neo", 0, 6384),
        ("Laurence Fishburne", "cast", "Morpheus", 1, 2975),
        ("Carrie-Anne Moss", "cast", "Trinity", 2, 530),
        ("Lana Wachowski", "director", "", 0, 9340),
        ("Lilly Wachowski", "director", "", 1, 9339),
        ("Lana Wachowski", "writer", "", 0, 9340),  # Writer and Screenplay: one credit
        ("Joel Silver", "producer", "", 0, 1091),
    ]


def test_details_ask_tmdb_to_append_credits_ratings_and_external_ids(provider, tmdb):
    provider.details("603", FILM)
    provider.details("1396", SERIES)

    appended = [params["append_to_response"] for _, params, _ in tmdb.requests]
    assert appended == [
        "credits,release_dates,external_ids",
        "credits,content_ratings,external_ids",
    ]
    assert paths(tmdb) == ["/3/movie/603", "/3/tv/1396"]


def test_the_rating_follows_the_region_of_the_language(settings, tmdb, sleeps):
    settings.TMDB_LANGUAGE = "en-GB"

    details = TMDBProvider.from_settings().details("603", FILM)

    assert details.content_rating == "15"


def test_series_details_carry_rating_runtime_creators_and_seasons(provider):
    details = provider.details("1396", SERIES)

    assert (details.kind, details.title, details.year) == (SERIES, "Breaking Bad", 2008)
    assert details.runtime_minutes == 45
    assert details.content_rating == "TV-MA"
    assert details.imdb_id == "tt0903747"
    assert details.genres == ["Drama", "Crime"]
    assert [(c.name, c.role, c.order) for c in details.credits] == [
        ("Bryan Cranston", "cast", 0),
        ("Aaron Paul", "cast", 1),
        ("Vince Gilligan", "creator", 0),
    ]
    assert [(s.number, s.name, s.year) for s in details.seasons] == [
        (0, "Specials", 2009),
        (1, "Season 1", 2008),
        (2, "Season 2", 2009),
    ]


def test_a_v4_read_token_is_sent_as_a_bearer_header_not_in_the_url(settings, tmdb):
    settings.TMDB_API_KEY = READ_TOKEN

    assert TMDBProvider.from_settings().details("603", FILM).title == "The Matrix"
    [(_, params, headers)] = tmdb.requests
    assert "api_key" not in params
    assert headers["authorization"] == f"Bearer {READ_TOKEN}"


# Bad answers


def test_a_wrong_api_key_is_a_readable_error_that_does_not_show_the_key(settings, tmdb, caplog):
    settings.TMDB_API_KEY = "wrong-key-123456"
    caplog.set_level(logging.DEBUG)

    with pytest.raises(MetadataError) as caught:
        TMDBProvider.from_settings().details("603", FILM)

    message = str(caught.value)
    assert message.startswith("TMDB refused the API key (401)")
    assert "Invalid API key" in message
    assert "wrong-key-123456" not in message
    assert "wrong-key-123456" not in caplog.text
    assert caught.value.__cause__ is None  # no chained urllib error holding the URL


def test_an_unknown_id_is_not_found(provider):
    with pytest.raises(MetadataNotFound, match=r"TMDB has no movie with id 999999 \(404\)"):
        provider.details("999999", FILM)


def test_an_id_that_is_not_a_number_never_reaches_tmdb(provider, tmdb):
    with pytest.raises(MetadataNotFound, match="is not a TMDB id"):
        provider.details("../account", FILM)
    assert tmdb.requests == []


def test_a_rate_limit_is_waited_out_as_retry_after_says(provider, tmdb, sleeps):
    tmdb.rate_limit_next(1, retry_after=3)

    assert provider.details("603", FILM).title == "The Matrix"
    assert sleeps == [3.0]
    assert paths(tmdb) == ["/3/movie/603", "/3/movie/603"]


def test_a_rate_limit_that_does_not_lift_is_an_error_after_a_few_tries(provider, tmdb, sleeps):
    tmdb.rate_limit_next(100, retry_after=3)

    with pytest.raises(MetadataUnavailable, match=r"^TMDB rate limit: retry after 3 s$"):
        provider.details("603", FILM)
    assert sleeps == [3.0, 3.0, 3.0]
    assert len(tmdb.requests) == 4


def test_a_long_retry_after_is_reported_rather_than_slept(provider, tmdb, sleeps):
    tmdb.rate_limit_next(1, retry_after=3600)

    with pytest.raises(MetadataUnavailable, match="retry after 3600 s"):
        provider.details("603", FILM)
    assert sleeps == []


def test_an_answer_that_is_not_json_is_an_error(provider, tmdb):
    tmdb.garbage_next(1)

    with pytest.raises(MetadataError, match=r"^TMDB answered something that is not JSON$"):
        provider.search("matrix", kind=FILM)


def test_a_slow_tmdb_is_unavailable_after_the_timeout(settings, tmdb):
    settings.TMDB_TIMEOUT = 0.2
    tmdb.delay_next(1.0)

    with pytest.raises(MetadataUnavailable, match=r"TMDB did not answer within 0.2 s"):
        TMDBProvider.from_settings().details("603", FILM)


def test_an_unreachable_tmdb_is_unavailable(settings, tmdb):
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        settings.TMDB_API_URL = f"http://127.0.0.1:{unused.getsockname()[1]}/3"

        with pytest.raises(MetadataUnavailable, match="TMDB could not be reached"):
            TMDBProvider.from_settings().details("603", FILM)


def test_without_an_api_key_tmdb_says_it_is_not_configured(settings, tmdb):
    settings.TMDB_API_KEY = ""

    with pytest.raises(MetadataError, match="TMDB is not configured: set TMDB_API_KEY"):
        TMDBProvider.from_settings().search("matrix")
    assert tmdb.requests == []


# Cache


def test_a_second_lookup_is_answered_from_the_cache(provider, tmdb):
    first = provider.details("603", FILM)
    second = TMDBProvider.from_settings().details("603", FILM)

    assert first == second
    assert len(tmdb.requests) == 1


def test_failed_answers_are_not_cached(provider, tmdb):
    tmdb.garbage_next(1)
    with pytest.raises(MetadataError):
        provider.details("603", FILM)

    assert provider.details("603", FILM).title == "The Matrix"
    assert len(tmdb.requests) == 2


# Applying TMDB's answer to the catalogue


@pytest.fixture
def skeleton(db) -> Title:
    return Title.objects.create(
        title="The Matrix",
        year=1999,
        is_skeleton=True,
        metadata_error="TMDB rate limit: retry after 3 s",
    )


def credit_rows(title: Title) -> list[tuple]:
    rows = title.credits.order_by("role", "order").select_related("person")
    return [(c.role, c.order, c.person.name, c.person.tmdb_id, c.character) for c in rows]


def test_applying_details_fills_a_skeleton_title(provider, skeleton):
    apply_details(skeleton, provider.details("603", FILM))

    title = Title.objects.get(pk=skeleton.pk)
    assert not title.is_skeleton
    assert title.metadata_error == ""
    assert (title.title, title.original_title, title.year) == ("The Matrix", "The Matrix", 1999)
    assert title.overview.startswith("Set in the 22nd century")
    assert (title.runtime_minutes, title.content_rating) == (136, "R")
    assert (title.tmdb_id, title.imdb_id) == (603, "tt0133093")
    assert sorted(g.name for g in title.genres.all()) == ["Action", "Science Fiction"]
    assert sorted(g.slug for g in title.genres.all()) == ["action", "science-fiction"]
    assert credit_rows(title) == [
        ("cast", 0, "Keanu Reeves", 6384, "Neo"),
        ("cast", 1, "Laurence Fishburne", 2975, "Morpheus"),
        ("cast", 2, "Carrie-Anne Moss", 530, "Trinity"),
        ("director", 0, "Lana Wachowski", 9340, ""),
        ("director", 1, "Lilly Wachowski", 9339, ""),
        ("producer", 0, "Joel Silver", 1091, ""),
        ("writer", 0, "Lana Wachowski", 9340, ""),
    ]
    assert not title.poster  # remote images are only ever fetched through store_images


def test_applying_the_same_details_twice_duplicates_nothing(provider, skeleton):
    details = provider.details("603", FILM)
    apply_details(skeleton, details)
    counts = (Genre.objects.count(), Person.objects.count(), Credit.objects.count())

    apply_details(Title.objects.get(pk=skeleton.pk), details)

    assert (Genre.objects.count(), Person.objects.count(), Credit.objects.count()) == counts
    assert Credit.objects.count() == 7
    assert Person.objects.filter(tmdb_id=9340).count() == 1  # directs and writes


def test_a_skeleton_takes_a_new_slug_and_kind_from_the_source(provider, db):
    title = Title.objects.create(title="Show", is_skeleton=True)  # guessed from "Show - 03"

    apply_details(title, provider.details("1396", SERIES))

    title.refresh_from_db()
    assert (title.kind, title.title, title.slug) == (SERIES, "Breaking Bad", "breaking-bad-2008")


def test_fields_the_source_does_not_give_are_kept(skeleton):
    skeleton.overview = "Written by the operator."
    skeleton.save()

    apply_details(skeleton, Details(provider="nfo", title="The Matrix", runtime_minutes=136))

    skeleton.refresh_from_db()
    assert skeleton.overview == "Written by the operator."
    assert skeleton.runtime_minutes == 136
    assert skeleton.credits.count() == 0


def test_series_details_add_seasons_and_keep_the_ones_tmdb_does_not_list(provider, db):
    show = Title.objects.create(title="Breaking Bad", kind=Title.Kind.SERIES)
    Season.objects.create(title=show, number=9, name="Operator's season")

    apply_details(show, provider.details("1396", SERIES))
    apply_details(show, provider.details("1396", SERIES))

    assert list(show.seasons.values_list("number", "name")) == [
        (0, "Specials"),
        (1, "Season 1"),
        (2, "Season 2"),
        (9, "Operator's season"),
    ]


def test_a_tmdb_id_another_title_holds_is_refused_and_nothing_changes(provider, skeleton):
    holder = Title.objects.create(title="The Matrix (old import)", tmdb_id=603)

    with pytest.raises(MetadataError, match=rf"already belongs to .*#{holder.pk}.*merge"):
        apply_details(skeleton, provider.details("603", FILM))

    assert skeleton.tmdb_id is None  # the instance too, not only the row
    assert skeleton.title == "The Matrix"
    skeleton.refresh_from_db()
    assert skeleton.is_skeleton
    assert skeleton.tmdb_id is None
    assert skeleton.genres.count() == 0


def test_details_of_the_wrong_kind_are_refused_for_a_curated_title(provider, db):
    film = Title.objects.create(title="Breaking Bad", kind=Title.Kind.FILM)

    with pytest.raises(MetadataError, match="is a film, but tmdb describes a series"):
        apply_details(film, provider.details("1396", SERIES))


def test_a_failed_lookup_is_recorded_and_the_skeleton_stays(provider, tmdb, skeleton):
    tmdb.garbage_next(1)
    with pytest.raises(MetadataError) as caught:
        provider.details("603", FILM)

    record_failure(skeleton, caught.value)

    skeleton.refresh_from_db()
    assert skeleton.is_skeleton
    assert skeleton.title == "The Matrix"
    assert skeleton.metadata_error == "TMDB answered something that is not JSON"


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (2, 3), "red").save(buffer, format="PNG")
    return buffer.getvalue()


def test_images_are_stored_only_through_the_given_fetcher(provider, skeleton, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    details = provider.details("603", FILM)
    apply_details(skeleton, details)
    asked = []

    def fetch(reference: str) -> bytes:
        asked.append(reference)
        return png_bytes()

    store_images(skeleton, details, fetch)

    assert asked == [details.poster, details.backdrop]
    skeleton.refresh_from_db()
    assert skeleton.poster.name == "public/posters/the-matrix-1999.png"
    assert (tmp_path / skeleton.backdrop.name).read_bytes() == png_bytes()


def test_a_fetched_image_that_is_not_an_image_is_refused(skeleton, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    details = Details(provider="tmdb", title="The Matrix", poster="https://example.org/p.jpg")

    with pytest.raises(
        MetadataError, match=r"the poster https://example\.org/p\.jpg is not a JPEG"
    ):
        store_images(skeleton, details, lambda reference: b"<html>not an image</html>")
    assert not list(tmp_path.rglob("*.*"))
