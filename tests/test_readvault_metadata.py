"""The AniList provider (readvault/metadata/anilist.py) against a local double of AniList's
GraphQL API (tests/support/anilist_double.py). Each test names the real behaviour of AniList
it stands for; the double follows AniList's documentation for it."""

from __future__ import annotations

import logging

import pytest

from readvault.metadata.anilist import (
    ADULT_RATING,
    DEFAULT_API_URL,
    AniListProvider,
)
from readvault.metadata.provider import (
    CreditInfo,
    MetadataError,
    MetadataNotFound,
    MetadataUnavailable,
    RateLimited,
)
from tests.support.anilist_double import serving_anilist


class Clock:
    """A wall clock the provider reads and its sleeps move forward: waits are recorded,
    never slept."""

    def __init__(self) -> None:
        self.now = 1_700_000_000.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


@pytest.fixture
def anilist(settings):
    with serving_anilist(settings) as double:
        yield double


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def provider(anilist, clock) -> AniListProvider:
    return AniListProvider.from_settings(sleep=clock.sleep, clock=clock)


# Search: Page { media(type: MANGA, search: ...) }


def test_search_finds_manga_by_any_of_their_titles(provider, anilist):
    [hit] = provider.search("Solo Leveling")

    assert (hit.provider, hit.external_id, hit.title) == ("anilist", "105398", "Solo Leveling")
    assert hit.alternative_titles == (
        "Na Honjaman Level Up",
        "나 혼자만 레벨업",
        "I Level Up Alone",
        "俺だけレベルアップな件",
    )
    assert (hit.year, hit.format, hit.country, hit.is_adult) == (2018, "MANGA", "KR", False)
    assert hit.cover_url.startswith("https://s4.anilist.co/")
    [(query, variables, headers)] = anilist.requests
    assert "media(type: MANGA, search: $search" in query
    assert variables == {"search": "Solo Leveling", "perPage": 10}
    assert headers["content-type"] == "application/json"


def test_search_by_a_native_title_or_synonym_finds_the_series(provider):
    assert [c.external_id for c in provider.search("ワンピース")] == ["30013"]


def test_search_puts_hits_from_the_given_year_first(provider):
    assert [c.external_id for c in provider.search("Jade River")] == ["900001", "900002"]
    assert [c.external_id for c in provider.search("Jade River", year=2022)] == [
        "900002",
        "900001",
    ]


def test_an_empty_search_asks_nothing(provider, anilist):
    assert provider.search("  \n ") == []
    assert anilist.requests == []


def test_answers_are_cached_so_a_second_lookup_asks_nothing(provider, anilist):
    provider.search("Berserk")
    provider.search("Berserk")

    assert len(anilist.requests) == 1


# Details: Media(id, type: MANGA)


def test_details_carry_titles_summary_status_genres_tags_and_credits(provider):
    details = provider.details("30013")

    assert (details.provider, details.title, details.anilist_id) == ("anilist", "One Piece", 30013)
    # "ONE PIECE" (romaji, native) is "One Piece" again, in capitals: not another title.
    assert details.alternative_titles == ["ワンピース", "원피스"]
    # AniList stores <br> and <i> even when asked for asHtml: false.
    assert details.summary == (
        "Gol D. Roger, a man referred to as the Pirate King, was set to be executed.\n\n"
        "(Source: Viz Media)"
    )
    assert (details.run_status, details.year) == ("ongoing", 1997)
    assert details.genres == ["Action", "Adventure", "Comedy", "Drama", "Fantasy"]
    # Spoiler tags and tags ranked below 50 are left out; the rest by rank.
    assert details.tags == ["Pirates", "Shounen", "Ensemble Cast"]
    assert details.credits == [
        CreditInfo("Eiichiro Oda", "writer"),  # "Story & Art" is both
        CreditInfo("Eiichiro Oda", "penciller"),
        CreditInfo("Stephen Paul", "translator"),  # "Translator (English)"
        CreditInfo("Rina Mapa", "letterer"),
    ]  # "Assistant" is no credit readvault keeps
    assert details.web_url == "https://anilist.co/manga/30013"
    assert details.cover_url == (
        "https://s4.anilist.co/file/anilistcdn/media/manga/cover/large/bx30013.jpg"
    )
    assert (details.publisher, details.language) == (None, None)  # AniList does not say


def test_the_title_language_setting_picks_the_series_title(settings, anilist, clock):
    settings.ANILIST_TITLE_LANGUAGE = "romaji"

    details = AniListProvider.from_settings(sleep=clock.sleep, clock=clock).details("105398")

    assert details.title == "Na Honjaman Level Up"
    assert details.alternative_titles[0] == "Solo Leveling"


@pytest.mark.parametrize(
    ("anilist_id", "direction"),
    [
        ("30013", "rtl"),  # countryOfOrigin JP: manga read right to left
        ("105398", "webtoon"),  # KR with the "Long Strip" tag: a vertical webtoon
        ("900001", "ltr"),  # CN without it: a manhua printed left to right
        ("900004", None),  # format NOVEL: text, no page direction
    ],
)
def test_country_and_format_give_the_reading_direction(provider, anilist_id, direction):
    assert provider.details(anilist_id).reading_direction == direction


@pytest.mark.parametrize(
    ("anilist_id", "run_status"),
    [
        ("30002", "hiatus"),
        ("900001", "cancelled"),
        ("105398", "completed"),
        ("900003", None),  # NOT_YET_RELEASED says nothing about a run
    ],
)
def test_anilist_status_becomes_the_run_status(provider, anilist_id, run_status):
    assert provider.details(anilist_id).run_status == run_status


def test_is_adult_becomes_the_adults_only_age_rating(provider):
    assert provider.details("900003").age_rating == ADULT_RATING == "Adults Only 18+"
    assert provider.details("30013").age_rating is None  # not adult says no rating


def test_an_unknown_id_is_not_found(provider, anilist):
    # AniList answers 404 with {"data": {"Media": null}, "errors": [{"message": "Not Found."}]}.
    with pytest.raises(MetadataNotFound, match="AniList has no manga 999999 \\(404\\)"):
        provider.details("999999")


@pytest.mark.parametrize("bad", ["", "abc", "1/../2", "١٢", "9" * 12])
def test_an_id_that_cannot_be_one_is_refused_without_asking(provider, anilist, bad):
    with pytest.raises(MetadataNotFound):
        provider.details(bad)
    assert anilist.requests == []


def test_the_queries_ask_only_for_fields_anilist_has(provider, anilist):
    # The double answers 400 'Cannot query field "x" on type "Media"' as AniList's schema
    # does, so both queries passing means every field asked for exists there.
    provider.search("Berserk")
    provider.details("30002")

    assert len(anilist.requests) == 2


# Errors in the GraphQL envelope


def test_an_error_in_a_200_answer_without_data_is_an_error(provider, anilist):
    # Docs, "Errors": "Even if you receive a status code of 200, you may still receive an
    # error."
    anilist.errors_in_200_next(1, keep_data=False)

    with pytest.raises(MetadataUnavailable, match="AniList is failing \\(500\\)"):
        provider.details("30002")


def test_an_error_beside_data_keeps_the_data(provider, anilist, caplog):
    anilist.errors_in_200_next(1, keep_data=True)

    with caplog.at_level(logging.WARNING, logger="readvault.metadata.anilist"):
        details = provider.details("30002")

    assert details.title == "Berserk"
    assert "answered manga 30002 with errors: Internal Server Error" in caplog.text


def test_a_400_names_what_anilist_refused(provider, anilist, monkeypatch):
    # A query AniList's schema rejects (a field renamed upstream) is a 400 whose message
    # names the field; the operator's message carries it.
    from readvault.metadata import anilist as module

    monkeypatch.setattr(module, "DETAILS_QUERY", "query ($id: Int) { Media(id: $id) { nope } }")

    with pytest.raises(MetadataError, match='\\(400\\): Cannot query field "nope" on type'):
        provider.details("30002")


def test_a_server_error_is_unavailable(provider, anilist):
    anilist.fail_next(1, status=500)

    with pytest.raises(MetadataUnavailable, match="AniList is failing \\(500\\)"):
        provider.search("Berserk")


def test_an_outage_page_instead_of_json_is_unavailable(provider, anilist):
    anilist.garbage_next(1)

    with pytest.raises(MetadataUnavailable, match="502 with something not JSON"):
        provider.search("Berserk")


# Rate limits: 429 with Retry-After, X-RateLimit-Remaining on every answer


def test_a_rate_limit_is_waited_out_and_the_query_asked_again(provider, anilist, clock):
    anilist.rate_limit_next(1, retry_after=20)

    [hit] = provider.search("Solo Leveling")

    assert hit.external_id == "105398"
    assert clock.sleeps == [20]
    assert len(anilist.requests) == 2


def test_a_rate_limit_that_does_not_lift_becomes_a_clear_error(provider, anilist, clock):
    anilist.rate_limit_next(10, retry_after=5)

    with pytest.raises(RateLimited, match="AniList rate limit: asked to wait 5 s") as raised:
        provider.search("Berserk")

    assert raised.value.retry_after == 5
    assert clock.sleeps == [5, 5]  # two retries, then the error
    assert len(anilist.requests) == 3


def test_a_wait_longer_than_allowed_is_not_slept(anilist, clock):
    provider = AniListProvider.from_settings(sleep=clock.sleep, clock=clock, max_wait=10)
    anilist.rate_limit_next(1, retry_after=60)

    with pytest.raises(RateLimited) as raised:
        provider.search("Berserk")

    assert (raised.value.retry_after, clock.sleeps) == (60, [])
    # Another lookup in that minute does not ask (and earn a longer timeout); it says when.
    with pytest.raises(RateLimited, match="no requests for another 60 s"):
        provider.details("30002")
    assert len(anilist.requests) == 1


def test_no_requests_remaining_holds_the_next_one_back_for_the_minute(provider, anilist, clock):
    anilist.remaining_next(0)
    provider.search("Berserk")
    clock.now += 15

    provider.details("30002")

    assert clock.sleeps == [45]  # what was left of AniList's one-minute window
    assert len(anilist.requests) == 2


def test_the_pause_is_shared_through_the_cache(provider, anilist, clock):
    anilist.remaining_next(0)
    provider.search("Berserk")

    other = AniListProvider.from_settings(sleep=clock.sleep, clock=clock)
    other.details("30002")

    assert clock.sleeps == [60]


# Timeouts and the SSRF guard


def test_a_server_that_does_not_answer_in_time_is_unavailable(anilist, clock):
    provider = AniListProvider.from_settings(sleep=clock.sleep, clock=clock, timeout=0.3)
    anilist.delay_next(2)

    with pytest.raises(MetadataUnavailable, match=r"did not answer within 0\.3 s"):
        provider.search("Berserk")


def test_a_closed_port_is_unavailable(settings, clock):
    settings.INGEST_ALLOWED_HOSTS = ["127.0.0.1"]
    settings.ANILIST_API_URL = "http://127.0.0.1:9/"  # discard: nothing listens

    with pytest.raises(MetadataUnavailable, match="could not be reached"):
        AniListProvider.from_settings(sleep=clock.sleep, clock=clock).search("Berserk")


def test_a_private_api_url_is_refused_by_the_ssrf_guard(anilist, settings, clock):
    # Loopback is not allowed unless the operator says so: a hostile or mistyped
    # ANILIST_API_URL must not reach the private network.
    settings.INGEST_ALLOWED_HOSTS = []

    with pytest.raises(MetadataError, match=r"ANILIST_API_URL is refused: .*loopback"):
        AniListProvider.from_settings(sleep=clock.sleep, clock=clock).search("Berserk")
    assert anilist.requests == []


def test_the_default_api_url_is_anilists(settings):
    del settings.ANILIST_API_URL
    assert AniListProvider.from_settings().api_url == DEFAULT_API_URL


def test_the_request_is_a_json_post_with_query_and_variables(provider, anilist):
    provider.details("30002")

    [(query, variables, headers)] = anilist.requests
    assert query.lstrip().startswith("query ($id: Int")
    assert variables == {"id": 30002, "staffPerPage": 25}
    assert headers["accept"] == "application/json"
    assert headers["user-agent"].startswith("ShadowVault")
