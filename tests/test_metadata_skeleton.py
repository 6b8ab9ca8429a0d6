"""The skeleton guessed from a file name: a file is never lost because a lookup failed."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from streaming.metadata import skeleton
from streaming.metadata.apply import apply_details
from streaming.metadata.base import FILENAME, FILM, SERIES
from streaming.metadata.skeleton import skeleton_from_filename
from streaming.models import Title


@pytest.mark.parametrize(
    ("name", "kind", "title", "year", "season", "episode"),
    [
        ("The.Matrix.1999.1080p.BluRay.x264.mkv", FILM, "The Matrix", 1999, None, None),
        ("Breaking.Bad.S01E02.720p.mkv", SERIES, "Breaking Bad", None, 1, 2),
        ("[Group] Show - 03 [1080p].mkv", SERIES, "Show", None, 1, 3),  # absolute numbering
        ("Show.S00E05.mkv", SERIES, "Show", None, 0, 5),  # season 0 holds specials
        ("Show.S01E02E03.mkv", SERIES, "Show", None, 1, 2),  # a double episode: the first
        ("Cowboy Bebop/Season 1/01.mkv", SERIES, "Cowboy Bebop", None, 1, 1),
        ("1917.2019.mkv", FILM, "1917", 2019, None, None),
        ("Amélie.2001.mkv", FILM, "Amélie", 2001, None, None),
    ],
)
def test_release_names_give_title_year_and_episode(name, kind, title, year, season, episode):
    details = skeleton_from_filename(name)

    assert (details.provider, details.kind, details.title, details.year) == (
        FILENAME,
        kind,
        title,
        year,
    )
    if season is None:
        assert details.seasons == []
    else:
        [found] = details.seasons
        assert (found.number, [e.number for e in found.episodes]) == (season, [episode])


def test_an_episode_title_in_the_name_is_kept():
    [season] = skeleton_from_filename("The Office (US) S02E01 - The Dundies.mkv").seasons
    assert season.episodes[0].name == "The Dundies"


@pytest.mark.parametrize(
    ("name", "title"),
    [
        ("", "Untitled"),
        ("....", "Untitled"),
        ("\x00\x01\x02", "Untitled"),
        ("1999.mkv", "1999"),
        ("a\u202egpj.exe", "a gpj exe"),  # a right-to-left override never reaches a title
        ("x" * 5000 + ".mkv", "x" * 300),
    ],
    ids=["empty", "dots", "controls", "only-a-year", "bidi-override", "overlong"],
)
def test_junk_names_still_give_a_usable_title(name, title):
    assert skeleton_from_filename(name).title == title


def test_a_guessit_failure_falls_back_to_the_file_name(monkeypatch):
    def broken(name):
        raise ValueError("rebulk tripped")

    monkeypatch.setattr(skeleton, "guessit", broken)

    details = skeleton_from_filename("Some_Film.mkv")
    assert (details.kind, details.title, details.year) == (FILM, "Some Film", None)


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_any_string_gives_a_skeleton(name):
    details = skeleton_from_filename(name)

    assert 0 < len(details.title) <= 300
    assert details.title == details.title.strip()
    assert not any(unicodedata.category(ch) in {"Cc", "Cs"} for ch in details.title)
    assert details.kind in {FILM, SERIES}
    assert details.year is None or isinstance(details.year, int)


def test_a_skeleton_applied_to_a_new_title_stays_a_skeleton_with_its_episode(db):
    details = skeleton_from_filename("Breaking.Bad.S01E02.720p.mkv")

    title = apply_details(Title(kind=Title.Kind.SERIES, title=details.title), details)

    title.refresh_from_db()
    assert title.is_skeleton
    assert (title.title, title.slug) == ("Breaking Bad", "breaking-bad")
    assert [(e.season.number, e.number) for e in title.seasons.get().episodes.all()] == [(1, 2)]
