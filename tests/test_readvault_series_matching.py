"""Which series an imported archive belongs to (readvault/metadata/matching.py): its
ComicInfo.xml first, AniList (the local double, tests/support/anilist_double.py) when exactly
one answer is the series, the file and folder names last; a failed lookup keeps a skeleton
and says why."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from readvault.metadata.anilist import AniListProvider
from readvault.metadata.comicinfo import ComicInfo, parse_comicinfo
from readvault.metadata.matching import (
    ChapterFacts,
    chapter_facts,
    confident_match,
    configured_provider,
    find_series,
    match_series,
    refresh_series,
)
from readvault.metadata.names import parse_name
from readvault.metadata.provider import Candidate
from readvault.models import Series
from tests.support.anilist_double import serving_anilist
from tests.support.series_snapshot import snapshot

pytestmark = pytest.mark.django_db


@pytest.fixture
def anilist(settings):
    with serving_anilist(settings) as double:
        yield double


@pytest.fixture
def provider(anilist) -> AniListProvider:
    return AniListProvider.from_settings(sleep=lambda seconds: None)


# match_series: ComicInfo, then AniList when sure, then the names


COMICINFO_XML = b"""<ComicInfo>
  <Series>Berserk</Series><Number>1</Number><Volume>1</Volume><Year>2003</Year>
  <Publisher>Dark Horse</Publisher><LanguageISO>en</LanguageISO><Manga>No</Manga>
  <Summary>Flipped edition.</Summary>
</ComicInfo>"""


def test_comicinfo_comes_first_and_anilist_fills_its_gaps(provider):
    info = parse_comicinfo(COMICINFO_XML)

    series = match_series(parse_name("Berserk/Berserk v01.cbz"), info, provider=provider)

    series.refresh_from_db()
    assert (series.title, series.publisher, series.language) == ("Berserk", "Dark Horse", "en")
    # This edition is flipped: its ComicInfo (Manga: No) wins over AniList's JP → rtl.
    assert series.reading_direction == "ltr"
    assert series.summary == "Flipped edition."  # the first book's summary is the series'
    assert (series.anilist_id, series.run_status) == (30002, "hiatus")  # from AniList
    assert "Horror" in series.genres.values_list("name", flat=True)
    assert (series.is_skeleton, series.metadata_error) == (False, "")


def test_anilist_names_a_series_the_files_only_number(provider, anilist):
    series = match_series(parse_name("Na Honjaman Level Up/c110.cbz"), provider=provider)

    assert (series.title, series.anilist_id, series.reading_direction) == (
        "Solo Leveling",
        105398,
        "webtoon",
    )
    assert "Na Honjaman Level Up" in series.alternative_titles
    asked = len(anilist.requests)

    # The next chapter, named the same way, finds the series without asking again.
    again = match_series(parse_name("Na Honjaman Level Up/c111.cbz"), provider=provider)

    assert again.pk == series.pk
    assert len(anilist.requests) == asked


def test_a_series_is_found_by_a_non_ascii_alternative_title(provider):
    series = match_series(parse_name("ワンピース 第1000話.cbz"), provider=provider)

    assert series.title == "One Piece"
    assert find_series("ワンピース") == series
    assert match_series(parse_name("ワンピース 第1001話.cbz"), provider=provider) == series
    assert Series.objects.count() == 1


def test_one_exact_name_among_similar_hits_is_a_confident_match(provider):
    # "Berserk" also finds "Berserk: The Prototype"; only one is called exactly that.
    assert match_series(parse_name("Berserk Vol. 41.cbz"), provider=provider).anilist_id == 30002


def test_two_series_of_one_name_are_told_apart_by_the_year_or_left_to_the_operator(provider):
    unsure = match_series(parse_name("Jade River - 001.cbz"), provider=provider)

    assert (unsure.is_skeleton, unsure.anilist_id, unsure.title) == (True, None, "Jade River")
    assert unsure.metadata_error == "anilist: 2 candidates for “Jade River”, none certain"

    unsure.delete()
    sure = match_series(parse_name("Jade River (2022)/Jade River - 001.cbz"), provider=provider)
    assert sure.anilist_id == 900002


def test_a_novel_of_the_same_name_is_never_the_match(provider):
    series = match_series(parse_name("The River Book 001.cbz"), provider=provider)
    assert (series.is_skeleton, series.anilist_id) == (True, None)


def test_a_failed_lookup_keeps_a_skeleton_and_says_why(provider, anilist):
    anilist.fail_next(5, status=500)

    series = match_series(
        parse_name("The Promised Neverland/Chapter 1.cbz"),
        provider=provider,
        status=Series.Status.PUBLISHED,
    )

    series.refresh_from_db()
    assert (series.title, series.sort_title) == ("The Promised Neverland", "Promised Neverland")
    assert (series.is_skeleton, series.status) == (True, Series.Status.PUBLISHED)
    assert series.metadata_error == "anilist: AniList is failing (500): Internal Server Error"


def test_a_rate_limit_keeps_a_skeleton_and_says_when_to_retry(anilist):
    provider = AniListProvider.from_settings(sleep=lambda seconds: None, max_wait=5)
    anilist.rate_limit_next(1, retry_after=60)

    series = match_series(parse_name("Berserk v01.cbz"), provider=provider)

    assert series.is_skeleton
    assert series.metadata_error.startswith("anilist: AniList rate limit: asked to wait 60 s")


def test_a_skeleton_is_completed_when_the_provider_answers_later(provider, anilist):
    anilist.fail_next(1)
    skeleton = match_series(parse_name("Berserk v01.cbz"), provider=provider)

    completed = match_series(parse_name("Berserk v02.cbz"), provider=provider)

    assert completed.pk == skeleton.pk
    assert (completed.is_skeleton, completed.anilist_id, completed.metadata_error) == (
        False,
        30002,
        "",
    )


def test_without_a_provider_the_names_make_the_series():
    series = match_series(parse_name("An Ordinary Tale/Vol 1/Chapter 3.cbz"))

    assert (series.title, series.sort_title, series.is_skeleton) == (
        "An Ordinary Tale",
        "Ordinary Tale",
        True,
    )
    assert series.metadata_error == ""


@pytest.mark.parametrize(
    ("path", "fallback", "title"),
    [
        ("Volume 3/Chapter 21.cbz", "Import 2024\u202e", "Import 2024"),
        ("012.cbz", "", "Untitled"),
    ],
)
def test_names_without_a_series_take_the_fallback_title(path, fallback, title):
    assert match_series(parse_name(path), fallback_title=fallback).title == title


def test_an_existing_series_is_reused_and_no_provider_is_asked(provider, anilist):
    mine = Series.objects.create(title="Berserk", summary="My words.")

    found = match_series(parse_name("berserk v03.cbz"), provider=provider)

    assert found.pk == mine.pk
    assert anilist.requests == []
    assert Series.objects.count() == 1


def test_matching_the_same_archive_twice_gives_the_same_series(provider):
    info = parse_comicinfo(COMICINFO_XML)
    first = match_series(parse_name("Berserk v01.cbz"), info, provider=provider)
    before = snapshot(first)

    second = match_series(parse_name("Berserk v01.cbz"), info, provider=provider)

    assert second.pk == first.pk
    assert snapshot(second) == before


def test_the_configured_provider_is_anilist_unless_switched_off(settings, anilist):
    assert isinstance(configured_provider(), AniListProvider)
    settings.ANILIST_API_URL = ""
    assert configured_provider() is None


# The pure rules


def hit(anilist_id: str, title: str, *others: str, year=None, format="MANGA") -> Candidate:
    return Candidate("anilist", anilist_id, title, tuple(others), year=year, format=format)


def test_a_confident_match_is_exactly_one_comic_of_exactly_that_name():
    hits = [hit("1", "One Piece", "ONE PIECE"), hit("2", "One Piece Party")]

    assert confident_match(hits, "one-piece").external_id == "1"  # punctuation and case blind
    assert confident_match(hits, "One") is None
    assert (
        confident_match([hit("3", "Jade River", year=2015), hit("4", "Jade River")], "Jade River")
        is None
    )
    assert confident_match([hit("5", "Kawa", format="NOVEL")], "Kawa") is None


def test_chapter_facts_take_comicinfo_first_then_the_names():
    names = parse_name("Series v02 c010.5 - From The Name.cbz")
    info = ComicInfo(
        number="11", chapter=Decimal("11"), title="From ComicInfo", year=2020, month=5, day=4
    )

    assert chapter_facts(names, info) == ChapterFacts(
        2, Decimal("11"), "From ComicInfo", date(2020, 5, 4)
    )
    assert chapter_facts(names) == ChapterFacts(2, Decimal("10.5"), "From The Name", None)


def test_comicinfo_without_a_series_name_leaves_the_names_to_say_it():
    series = match_series(parse_name("Named By Folder/c001.cbz"), ComicInfo(title="Just a title"))
    assert (series.title, series.is_skeleton) == ("Named By Folder", True)


def test_a_comicinfo_series_is_no_skeleton_even_without_a_provider():
    series = match_series(parse_name("x/c001.cbz"), parse_comicinfo(COMICINFO_XML))

    assert (series.title, series.is_skeleton) == ("Berserk", False)


# refresh_series: the admin's "match metadata" on a saved series


def test_refreshing_a_series_with_an_anilist_id_fills_its_gaps(provider):
    series = Series.objects.create(title="My Berserk", anilist_id=30002, summary="Mine.")

    assert refresh_series(series, provider) == "“My Berserk”: filled in from anilist."

    series.refresh_from_db()
    assert (series.title, series.summary, series.run_status) == ("My Berserk", "Mine.", "hiatus")


def test_refreshing_by_name_needs_one_certain_answer(provider):
    series = Series.objects.create(title="Jade River")

    assert refresh_series(series, provider) == "“Jade River”: 2 candidates, none certain"
    series.refresh_from_db()
    assert series.metadata_error == "anilist: 2 candidates, none certain"

    series.year = 2015
    refresh_series(series, provider)
    series.refresh_from_db()
    assert (series.anilist_id, series.metadata_error) == (900001, "")


def test_refreshing_without_a_provider_says_so(settings):
    settings.ANILIST_API_URL = ""
    series = Series.objects.create(title="Offline")

    assert "no metadata provider is set up" in refresh_series(series)
