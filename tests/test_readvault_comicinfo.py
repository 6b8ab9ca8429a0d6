"""ComicInfo.xml read from an archive (readvault/metadata/comicinfo.py): the Anansi schema's
fields, hostile XML refused with a clear error, and the junk real taggers write read anyway."""

from __future__ import annotations

import codecs
import contextlib
from datetime import date
from decimal import Decimal
from xml.sax.saxutils import escape

import pytest
from hypothesis import given
from hypothesis import strategies as st

from readvault.metadata.comicinfo import (
    ComicInfo,
    ComicInfoError,
    PageInfo,
    decimal_number,
    parse_comicinfo,
    series_details,
)
from readvault.metadata.provider import CreditInfo

# A v2.0 file as ComicTagger and Komga write it (namespaces on the root, every field once).
FULL = b"""<?xml version="1.0" encoding="utf-8"?>
<ComicInfo xmlns:xsd="http://www.w3.org/2001/XMLSchema"
           xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
  <Title>Romance Dawn</Title>
  <Series>One Piece</Series>
  <Number>1</Number>
  <Count>1100</Count>
  <Volume>1</Volume>
  <Summary>Luffy sets out to sea.
Second paragraph.</Summary>
  <Year>1997</Year>
  <Month>7</Month>
  <Day>22</Day>
  <Writer>Eiichiro Oda</Writer>
  <Penciller>Eiichiro Oda</Penciller>
  <Inker>Eiichiro Oda</Inker>
  <Colorist>Colorist One</Colorist>
  <Letterer>Letterer One, Letterer Two</Letterer>
  <CoverArtist>Eiichiro Oda</CoverArtist>
  <Editor>Editor One</Editor>
  <Translator>Translator One</Translator>
  <Publisher>Shueisha</Publisher>
  <Genre>Action, Adventure, Comedy</Genre>
  <Tags>Pirates, Devil Fruits</Tags>
  <Web>https://example.org/one-piece https://example.com/op</Web>
  <PageCount>3</PageCount>
  <LanguageISO>en</LanguageISO>
  <Manga>YesAndRightToLeft</Manga>
  <AgeRating>Teen</AgeRating>
  <Pages>
    <Page Image="0" Type="FrontCover" ImageWidth="1000" ImageHeight="1500" />
    <Page Image="1" />
    <Page Image="2" DoublePage="true" />
  </Pages>
</ComicInfo>
"""


def xml(body: str, declaration: str = '<?xml version="1.0" encoding="utf-8"?>') -> bytes:
    return f"{declaration}<ComicInfo>{body}</ComicInfo>".encode()


def test_every_schema_field_is_read():
    info = parse_comicinfo(FULL)

    assert (info.series, info.number, info.chapter, info.volume) == ("One Piece", "1", 1, 1)
    assert (info.title, info.count) == ("Romance Dawn", 1100)
    assert info.summary == "Luffy sets out to sea.\nSecond paragraph."
    assert info.release_date == date(1997, 7, 22)
    assert info.writers == info.pencillers == info.inkers == ("Eiichiro Oda",)
    assert info.letterers == ("Letterer One", "Letterer Two")
    assert (info.colorists, info.cover_artists) == (("Colorist One",), ("Eiichiro Oda",))
    assert (info.editors, info.translators) == (("Editor One",), ("Translator One",))
    assert info.publisher == "Shueisha"
    assert info.genres == ("Action", "Adventure", "Comedy")
    assert info.tags == ("Pirates", "Devil Fruits")
    assert info.web == ("https://example.org/one-piece", "https://example.com/op")
    assert (info.page_count, info.language, info.age_rating) == (3, "en", "Teen")
    assert (info.manga, info.reading_direction) == (True, "rtl")
    assert info.pages == (
        PageInfo(0, "FrontCover"),
        PageInfo(1, "Story"),
        PageInfo(2, "Story", double_page=True),
    )
    assert info.cover_page == 0


def test_credits_list_people_with_readvault_roles_in_schema_order():
    info = parse_comicinfo(FULL)

    assert info.credits[:4] == (
        ("Eiichiro Oda", "writer"),
        ("Eiichiro Oda", "penciller"),
        ("Eiichiro Oda", "inker"),
        ("Colorist One", "colorist"),
    )
    assert info.credits[-1] == ("Translator One", "translator")


@pytest.mark.parametrize(
    ("manga", "is_manga", "direction"),
    [
        ("YesAndRightToLeft", True, "rtl"),
        ("Yes", True, "rtl"),
        ("No", False, "ltr"),
        ("Unknown", None, None),
        ("", None, None),
        ("maybe", None, None),
    ],
)
def test_the_manga_field_gives_the_reading_direction(manga, is_manga, direction):
    info = parse_comicinfo(xml(f"<Manga>{manga}</Manga>"))

    assert (info.manga, info.reading_direction) == (is_manga, direction)


def test_a_missing_file_body_says_nothing():
    assert parse_comicinfo(b"<ComicInfo/>") == ComicInfo()


@pytest.mark.parametrize(
    ("body", "field", "value"),
    [
        ("<Year>-1</Year>", "year", None),  # ComicRack's "unset"
        ("<Year>2019.0</Year>", "year", 2019),
        ("<Year>nineteen</Year>", "year", None),
        ("<Year>99999999999999999999</Year>", "year", None),
        ("<Year>²</Year>", "year", None),  # str.isdigit() is true, int() would raise
        ("<Month>13</Month>", "month", None),
        ("<Volume>-1</Volume>", "volume", None),
        ("<Volume> 3 </Volume>", "volume", 3),
        ("<PageCount>0</PageCount>", "page_count", None),
        ("<Number>10.5</Number>", "chapter", Decimal("10.5")),
        ("<Number>10,50</Number>", "chapter", Decimal("10.5")),
        ("<Number>1a</Number>", "chapter", None),
        ("<Number>½</Number>", "number", "½"),
        ("<LanguageISO>English!</LanguageISO>", "language", ""),
        ("<LanguageISO>pt_BR</LanguageISO>", "language", "pt-BR"),
        ("<AgeRating>mature 17+</AgeRating>", "age_rating", "Mature 17+"),
        ("<AgeRating>Unknown</AgeRating>", "age_rating", ""),
        ("<AgeRating>Spicy</AgeRating>", "age_rating", ""),
        (
            "<Web>javascript:alert(1) ftp://x https://ok.example</Web>",
            "web",
            ("https://ok.example",),
        ),
        ("<Genre> Action ,, action; Drama , </Genre>", "genres", ("Action", "Drama")),
        ("<Series>\n  Spaced \t Out \n</Series>", "series", "Spaced Out"),
        ("<series>lower case</series>", "series", "lower case"),
        ("<Series>First</Series><Series>Second</Series>", "series", "First"),
        (
            "<Summary>&lt;p&gt;One&lt;br/&gt;Two &amp;amp; three&lt;/p&gt;</Summary>",
            "summary",
            "One\nTwo & three",
        ),
    ],
)
def test_junk_in_a_field_is_read_leniently(body, field, value):
    assert getattr(parse_comicinfo(xml(body)), field) == value


def test_day_and_month_make_a_date_only_when_they_are_one():
    assert (
        parse_comicinfo(xml("<Year>2019</Year><Month>2</Month><Day>30</Day>")).release_date is None
    )
    assert parse_comicinfo(xml("<Year>2019</Year>")).release_date is None


def test_page_attributes_are_read_leniently():
    info = parse_comicinfo(
        xml(
            '<Pages><Page Image="x"/><Page image="4" type="backcover" doublepage="1"/>'
            '<Page Image="5" Type="Sticker"/><Other Image="6"/></Pages>'
        )
    )

    assert info.pages == (PageInfo(4, "BackCover", True), PageInfo(5, "Other"))
    assert info.cover_page is None


# Encodings and wrappers taggers get wrong


def test_a_utf8_byte_order_mark_is_read():
    assert parse_comicinfo(codecs.BOM_UTF8 + xml("<Series>Café</Series>")).series == "Café"


def test_utf16_with_its_declaration_is_read():
    data = '<?xml version="1.0" encoding="utf-16"?><ComicInfo><Series>Ü</Series></ComicInfo>'
    assert parse_comicinfo(data.encode("utf-16")).series == "Ü"


def test_windows_1252_under_a_utf8_declaration_is_read():
    assert parse_comicinfo(
        xml("<Series>Café — Noir</Series>").decode().encode("cp1252")
    ).series == ("Café — Noir")


def test_an_encoding_python_lacks_is_read_as_text():
    data = xml("<Series>x</Series>", '<?xml version="1.0" encoding="x-unknown"?>')
    assert parse_comicinfo(data).series == "x"


def test_blank_lines_before_the_declaration_and_control_characters_are_tolerated():
    data = b"\n\n  " + xml("<Series>Bell\x07 Tower</Series>")
    assert parse_comicinfo(data).series == "Bell Tower"


def test_html_entities_xml_does_not_define_are_read():
    data = xml("<Series>A&nbsp;B &amp; C &unknown;</Series>")
    assert parse_comicinfo(data).series == "A B & C &unknown;"


def test_a_default_namespace_on_every_element_is_read():
    data = b'<ComicInfo xmlns="urn:x"><Series>Spaced</Series></ComicInfo>'
    assert parse_comicinfo(data).series == "Spaced"


# Refused, with a clear error that is a ValueError


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
]>
<ComicInfo><Series>&lol2;</Series></ComicInfo>"""
EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE ComicInfo [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<ComicInfo><Series>&secret;</Series></ComicInfo>"""


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (BILLION_LAUGHS, "declares a DTD or entities"),
        (EXTERNAL_ENTITY, "declares a DTD or entities"),
        # The same bomb behind bytes that send the parser to the lenient second pass.
        (b"\n  " + BILLION_LAUGHS, "declares a DTD or entities"),
        (b"", "is empty"),
        (b"   \n", "is empty"),
        (b"not xml at all", "not well-formed XML"),
        (b"<ComicInfo><Series>unclosed</ComicInfo>", "not well-formed XML"),
        (b"<html><body>404</body></html>", "root <html>; expected <ComicInfo>"),
        (b"<ComicInfo>" + b" " * (2 * 1024 * 1024) + b"</ComicInfo>", "larger than 2 MiB"),
    ],
)
def test_hostile_or_broken_files_are_refused_with_a_reason(data, reason):
    with pytest.raises(ComicInfoError, match=reason) as raised:
        parse_comicinfo(data, source="Vol 1.cbz!ComicInfo.xml")

    assert isinstance(raised.value, ValueError)
    assert "Vol 1.cbz!ComicInfo.xml" in str(raised.value)
    assert "root:" not in str(raised.value)  # no file contents echoed back


@given(st.binary(max_size=400))
def test_any_bytes_give_a_comicinfo_or_a_comicinfo_error(data):
    with contextlib.suppress(ComicInfoError):
        assert isinstance(parse_comicinfo(data), ComicInfo)


@given(st.text(max_size=200))
def test_any_field_text_is_read_without_raising(text):
    body = "".join(
        f"<{name}>{escape(text)}</{name}>"
        for name in ("Series", "Number", "Year", "Genre", "Web", "Manga", "AgeRating", "Summary")
    )
    info = parse_comicinfo(xml(body))

    assert info.year is None or 1000 <= info.year <= 2999
    assert info.chapter is None or info.chapter >= 0


@pytest.mark.parametrize(
    ("text", "number"),
    [("12", Decimal("12")), ("012", Decimal("12")), ("10.50", Decimal("10.5")), ("1e3", None)],
)
def test_decimal_number_reads_plain_decimals_only(text, number):
    assert decimal_number(text) == number


def test_a_book_describes_its_series_with_year_and_summary_only_when_it_is_the_first():
    first = series_details(parse_comicinfo(FULL))
    later_book = FULL.replace(b"<Volume>1<", b"<Volume>7<").replace(b"<Number>1<", b"<Number>60<")
    later = series_details(parse_comicinfo(later_book))

    assert first is not None
    assert later is not None
    assert (first.provider, first.title, first.publisher, first.language) == (
        "comicinfo",
        "One Piece",
        "Shueisha",
        "en",
    )
    assert (first.reading_direction, first.age_rating, first.web_url) == (
        "rtl",
        "Teen",
        "https://example.org/one-piece",
    )
    assert first.credits[0] == CreditInfo("Eiichiro Oda", "writer")
    assert (first.year, first.summary is not None) == (1997, True)
    assert (later.year, later.summary) == (None, None)
    assert series_details(parse_comicinfo(xml("<Title>No series</Title>"))) is None
