"""Kodi NFO sidecar files: good ones become Details, bad ones a MetadataError naming the file."""

from __future__ import annotations

from xml.sax.saxutils import escape

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from streaming.metadata.apply import apply_details
from streaming.metadata.base import FILM, SERIES, MetadataError
from streaming.metadata.nfo import MAX_NFO_BYTES, find_nfo, parse_nfo, read_nfo
from streaming.models import Credit, Person, Title

MOVIE_NFO = """<?xml version="1.0" encoding="UTF-8" standalone="yes" ?>
<movie>
    <title>Le Fabuleux Destin d'Amélie Poulain</title>
    <originaltitle>Le Fabuleux Destin d'Amélie Poulain</originaltitle>
    <year>2001</year>
    <plot>Amélie, an innocent and naive girl in Paris, decides to help those around her.</plot>
    <runtime>122</runtime>
    <mpaa>Rated R</mpaa>
    <genre>Comedy</genre>
    <genre>Romance</genre>
    <uniqueid type="imdb">tt0211915</uniqueid>
    <uniqueid type="tmdb" default="true">194</uniqueid>
    <thumb aspect="poster">https://image.tmdb.org/t/p/original/poster.jpg</thumb>
    <fanart><thumb>https://image.tmdb.org/t/p/original/fanart.jpg</thumb></fanart>
    <director>Jean-Pierre Jeunet</director>
    <credits>Guillaume Laurant</credits>
    <credits>Jean-Pierre Jeunet</credits>
    <actor><name>Mathieu Kassovitz</name><role>Nino Quincampoix</role><order>1</order></actor>
    <actor><name>Audrey Tautou</name><role>Amélie Poulain</role><order>0</order></actor>
</movie>
"""

TVSHOW_NFO = """<?xml version="1.0" encoding="UTF-8"?>
<tvshow>
    <title>Breaking Bad</title>
    <premiered>2008-01-20</premiered>
    <plot>A chemistry teacher turns to crime.</plot>
    <mpaa>US:TV-MA</mpaa>
    <genre>Drama / Crime</genre>
    <uniqueid type="tmdb">1396</uniqueid>
    <uniqueid type="imdb">tt0903747</uniqueid>
    <namedseason number="1">Season One</namedseason>
    <namedseason number="0">Specials</namedseason>
    <actor><name>Bryan Cranston</name><role>Walter White</role></actor>
</tvshow>
"""

BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE movie [
  <!ENTITY lol "lol">
  <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
  <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<movie><title>&lol4;</title></movie>
"""


def test_a_movie_nfo_gives_every_field_kodi_writes():
    details = parse_nfo(MOVIE_NFO.encode(), source="movie.nfo")

    assert (details.provider, details.kind) == ("nfo", FILM)
    assert details.title == details.original_title == "Le Fabuleux Destin d'Amélie Poulain"
    assert (details.year, details.runtime_minutes, details.content_rating) == (2001, 122, "R")
    assert details.overview.startswith("Amélie, an innocent")
    assert details.genres == ["Comedy", "Romance"]
    assert (details.tmdb_id, details.imdb_id) == (194, "tt0211915")
    assert details.poster == "https://image.tmdb.org/t/p/original/poster.jpg"
    assert details.backdrop == "https://image.tmdb.org/t/p/original/fanart.jpg"
    assert [(c.name, c.role, c.character, c.order) for c in details.credits] == [
        ("Audrey Tautou", "cast", "Amélie Poulain", 0),
        ("Mathieu Kassovitz", "cast", "Nino Quincampoix", 1),
        ("Jean-Pierre Jeunet", "director", "", 0),
        ("Guillaume Laurant", "writer", "", 0),
        ("Jean-Pierre Jeunet", "writer", "", 1),
    ]


def test_a_tvshow_nfo_gives_a_series_with_its_named_seasons():
    details = parse_nfo(TVSHOW_NFO.encode(), source="tvshow.nfo")

    assert (details.kind, details.title, details.year) == (SERIES, "Breaking Bad", 2008)
    assert details.content_rating == "TV-MA"
    assert details.genres == ["Drama", "Crime"]
    assert (details.tmdb_id, details.imdb_id) == (1396, "tt0903747")
    assert [(s.number, s.name) for s in details.seasons] == [(0, "Specials"), (1, "Season One")]
    assert [(c.name, c.character) for c in details.credits] == [("Bryan Cranston", "Walter White")]


def test_a_minimal_nfo_says_nothing_about_what_it_lacks():
    details = parse_nfo(b"<movie><title>Alone</title></movie>")

    assert details.title == "Alone"
    assert details.genres is None
    assert details.credits is None
    assert details.year is None


def test_local_artwork_beside_the_nfo_is_preferred_to_remote_urls(tmp_path):
    (tmp_path / "Amelie.2001.nfo").write_text(MOVIE_NFO, encoding="utf-8")
    (tmp_path / "Amelie.2001-poster.jpg").write_bytes(b"jpeg")
    (tmp_path / "fanart.png").write_bytes(b"png")

    details = read_nfo(tmp_path / "Amelie.2001.nfo")

    assert details.poster == str(tmp_path / "Amelie.2001-poster.jpg")
    assert details.backdrop == str(tmp_path / "fanart.png")


def test_find_nfo_prefers_the_file_named_after_the_video(tmp_path):
    video = tmp_path / "Amelie.2001.1080p.mkv"
    (tmp_path / "movie.nfo").write_text(MOVIE_NFO, encoding="utf-8")
    assert find_nfo(video) == tmp_path / "movie.nfo"

    (tmp_path / "Amelie.2001.1080p.nfo").write_text(MOVIE_NFO, encoding="utf-8")
    assert find_nfo(video) == tmp_path / "Amelie.2001.1080p.nfo"


def test_find_nfo_finds_the_show_nfo_above_a_season_folder(tmp_path):
    season = tmp_path / "Breaking Bad" / "Season 1"
    season.mkdir(parents=True)
    (tmp_path / "Breaking Bad" / "tvshow.nfo").write_text(TVSHOW_NFO, encoding="utf-8")

    assert find_nfo(season / "Breaking.Bad.S01E02.mkv") == tmp_path / "Breaking Bad" / "tvshow.nfo"


def test_find_nfo_finds_nothing_beside_a_lone_video(tmp_path):
    assert find_nfo(tmp_path / "Lone.mkv") is None


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"<movie><title>Cut off", r"^broken\.nfo is not well-formed XML: .*line 1"),
        (b"", r"^broken\.nfo is not well-formed XML"),
        (b"http://www.imdb.com/title/tt0211915/", r"^broken\.nfo is not well-formed XML"),
        (b"<episodedetails><title>x</title></episodedetails>", r"root <episodedetails>; expec"),
        (b"<movie><plot>No title</plot></movie>", r"^broken\.nfo has no <title>$"),
        (b"<movie><title>   </title></movie>", r"^broken\.nfo has no <title>$"),
        (BILLION_LAUGHS.encode(), r"^broken\.nfo declares a DTD or entities"),
        (
            b'<?xml version="1.0"?><!DOCTYPE movie [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
            b"<movie><title>&x;</title></movie>",
            r"declares a DTD or entities",
        ),
        (b'<?xml version="1.0" encoding="klingon"?><movie/>', r"is not well-formed XML"),
        (b"\xff\xfe<\x00m\x00", r"is not well-formed XML"),
    ],
    ids=[
        "truncated",
        "empty",
        "url-only",
        "wrong-root",
        "no-title",
        "blank-title",
        "entity-bomb",
        "external-entity",
        "unknown-encoding",
        "bad-bytes",
    ],
)
def test_a_bad_nfo_is_a_clear_error_naming_the_file(tmp_path, content, message):
    path = tmp_path / "broken.nfo"
    path.write_bytes(content)

    with pytest.raises(MetadataError, match=message):
        read_nfo(path)


def test_an_nfo_over_one_mebibyte_is_refused(tmp_path):
    path = tmp_path / "huge.nfo"
    path.write_bytes(b"<movie><title>x</title><plot>" + b"a" * MAX_NFO_BYTES + b"</plot></movie>")

    with pytest.raises(MetadataError, match=r"^huge\.nfo is larger than 1 MiB"):
        read_nfo(path)


def test_an_unreadable_nfo_is_a_clear_error(tmp_path):
    with pytest.raises(MetadataError, match=r"^gone\.nfo could not be read: No such file"):
        read_nfo(tmp_path / "gone.nfo")


def as_movie_nfo(text: str) -> bytes:
    return f"<movie><title>{escape(text)}</title><year>{escape(text)}</year></movie>".encode()


@settings(max_examples=300, deadline=None)
@given(
    st.binary(max_size=300) | st.text(max_size=300).map(str.encode) | st.text().map(as_movie_nfo)
)
def test_any_bytes_give_details_or_a_metadata_error(data):
    try:
        outcome = parse_nfo(data).title
    except MetadataError as error:
        outcome = str(error)
    assert outcome


def test_an_nfo_applied_twice_to_a_skeleton_fills_it_once(db):
    title = Title.objects.create(title="Amelie", year=2001, is_skeleton=True)
    details = parse_nfo(MOVIE_NFO.encode())

    apply_details(title, details)
    apply_details(title, details)

    title.refresh_from_db()
    assert not title.is_skeleton
    assert (title.title, title.tmdb_id, title.content_rating) == (
        "Le Fabuleux Destin d'Amélie Poulain",
        194,
        "R",
    )
    assert sorted(title.genres.values_list("name", flat=True)) == ["Comedy", "Romance"]
    assert Credit.objects.filter(title=title).count() == 5
    # NFO people have no TMDB id: one person per name, directing and writing alike.
    assert Person.objects.filter(name="Jean-Pierre Jeunet").count() == 1
    assert Person.objects.count() == 4
