"""What file and folder names say about a chapter (readvault/metadata/names.py): the naming
styles manga and comic libraries meet, read into series, volume, chapter, title and year."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from readvault.metadata.names import NameFacts, exact_number, parse_name

D = Decimal


@pytest.mark.parametrize(
    ("name", "series", "volume", "chapter", "title", "year"),
    [
        ("Vol.2 Ch.10.5", "", 2, D("10.5"), "", None),
        ("v01 c001", "", 1, D("1"), "", None),
        ("Series - 012 (2019)", "Series", None, D("12"), "", 2019),
        ("Series Name v03 (2020) (Digital) (Group)", "Series Name", 3, None, "", 2020),
        ("[Group] Series - Chapter 12 - Title", "Series", None, D("12"), "Title", None),
        ("Series #5", "Series", None, D("5"), "", None),
        ("Series c010-011.cbz", "Series", None, D("10"), "", None),  # a range: its first
        ("Ch. 7.5 Extra", "", None, D("7.5"), "Extra", None),
        ("Berserk/Volume 3/Chapter 21.cbz", "Berserk", 3, D("21"), "", None),
        ("Volume 3/Chapter 21.cbz", "", 3, D("21"), "", None),  # no series folder given
        ("One Piece 1000.cbz", "One Piece", None, D("1000"), "", None),
        ("Berserk Vol. 41.cbz", "Berserk", 41, None, "", None),  # a whole volume
        ("Berserk Vol. 41", "Berserk", 41, None, "", None),  # no suffix: 41 stays
        ("012.cbz", "", None, D("12"), "", None),  # only a number
        ("５.cbz", "", None, D("5"), "", None),  # noqa: RUF001 - a full-width digit
        ("ワンピース 第1000話.cbz", "ワンピース", None, D("1000"), "", None),
        ("進撃の巨人 第01巻.cbz", "進撃の巨人", 1, None, "", None),
        ("나 혼자만 레벨업 110화.zip", "나 혼자만 레벨업", None, D("110"), "", None),
        ("Mob Psycho 100 v01.cbz", "Mob Psycho 100", 1, None, "", None),
        ("Mob Psycho 100/Chapter 5.cbz", "Mob Psycho 100", None, D("5"), "", None),
        ("One Piece (1997)/v01/c001.cbz", "One Piece", 1, D("1"), "", 1997),
        ("Series.Name.v03.c021.cbz", "Series Name", 3, D("21"), "", None),
        ("20th Century Boys v01.cbz", "20th Century Boys", 1, None, "", None),
        ("Batman (2016) #50 (Digital).cbr", "Batman", None, D("50"), "", 2016),
        ("Spider-Man 2099 001.cbz", "Spider-Man 2099", None, D("1"), "", None),
        ("Series 2 - 010 - The Title.cbz", "Series 2", None, D("10"), "The Title", None),
        ("Series_Name_c12.5_Bonus.cbz", "Series Name", None, D("12.5"), "Bonus", None),
        ("Ch.3 Vol.1.cbz", "", 1, D("3"), "", None),
        ("Series \u2013 012 \u2013 Title.cbz", "Series", None, D("12"), "Title", None),
    ],
)
def test_names_give_series_volume_chapter_title_and_year(
    name, series, volume, chapter, title, year
):
    assert parse_name(name) == NameFacts(series, volume, chapter, title, year)


def test_chapter_numbers_are_exact_decimals():
    facts = parse_name("Series Ch.10.1")

    assert isinstance(facts.chapter, Decimal)
    assert facts.chapter == Decimal("10.1")
    assert str(facts.chapter) == "10.1"  # not 10.0999999 through a float
    assert exact_number("010.500") == Decimal("10.5")
    assert str(exact_number("7.000")) == "7"


@pytest.mark.parametrize(
    "name",
    ["", "/", "\x00\x01", "...", "a\u202egpj.exe", "c9999999", "x" * 5000, "第話", "((((", "#"],
)
def test_odd_names_say_nothing_they_cannot_read(name):
    facts = parse_name(name)

    assert facts.chapter is None or facts.chapter <= Decimal("999999.999")
    assert "\u202e" not in facts.series  # a right-to-left override never reaches a title


@given(st.text(max_size=300))
def test_any_string_gives_facts_and_never_raises(text):
    facts = parse_name(text)

    assert isinstance(facts, NameFacts)
    assert len(facts.series) <= 300
    assert facts.volume is None or 0 <= facts.volume <= 32767
    assert facts.chapter is None or 0 <= facts.chapter <= Decimal("999999.999")


numbers = st.decimals(min_value=0, max_value=Decimal("999999.999"), places=3)


@given(number=numbers, marker=st.sampled_from(["c", "Ch.", "Chapter ", "#", "ch. ", " - "]))
def test_chapter_numbers_round_trip(number, marker):
    written = format(number.normalize(), "f")

    facts = parse_name(f"Some Series {marker}{written}.cbz")

    assert facts.chapter == number
    assert facts.series == "Some Series"


@given(volume=st.integers(min_value=0, max_value=32767), chapter=numbers)
def test_volume_and_chapter_round_trip_together(volume, chapter):
    written = format(chapter.normalize(), "f")

    facts = parse_name(f"Series v{volume:02d} c{written}")

    assert (facts.volume, facts.chapter) == (volume, chapter)
