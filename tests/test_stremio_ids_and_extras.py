"""The addon's pure cores: Stremio ids (stremio.ids) and the extra arguments of the path
(stremio.extra_args, stremio.views.extra_segment), with hypothesis invariants."""

from __future__ import annotations

from types import SimpleNamespace
from urllib.parse import quote

import pytest
from django.test import RequestFactory
from hypothesis import given
from hypothesis import strategies as st

from stremio.extra_args import BadExtra, catalog_extra, fields_of, subtitles_extra
from stremio.ids import VideoRef, item_id, parse, video_id
from stremio.views import extra_segment

PKS = st.integers(min_value=1, max_value=2**63 - 1)
NUMBERS = st.integers(min_value=0, max_value=32767)
IMDB = st.from_regex(r"tt[0-9]{7,10}", fullmatch=True)
# Text a URL can carry: no lone surrogates (they cannot be encoded into a request at all),
# and no NUL, which is refused (tests/test_stremio_protocol.py).
TEXT = st.characters(exclude_categories=("Cs",), exclude_characters="\x00")


@given(pk=PKS)
def test_our_item_ids_name_their_title(pk):
    assert parse(item_id("", pk)) == VideoRef(title_pk=pk)


@given(imdb=IMDB, pk=PKS)
def test_a_title_with_an_imdb_id_goes_by_it(imdb, pk):
    assert item_id(imdb, pk) == imdb
    assert parse(imdb) == VideoRef(imdb_id=imdb)


@given(pk=PKS, imdb=st.one_of(st.just(""), IMDB), season=NUMBERS, episode=NUMBERS)
def test_a_video_id_names_its_episode(pk, imdb, season, episode):
    ref = parse(video_id(item_id(imdb, pk), season, episode))

    assert ref is not None
    assert (ref.season, ref.episode, ref.is_episode) == (season, episode, True)
    assert (ref.imdb_id or "", ref.title_pk) == ((imdb, None) if imdb else ("", pk))


@given(st.text(max_size=100))
def test_any_text_parses_to_a_ref_or_none_without_raising(text):
    ref = parse(text)
    assert ref is None or isinstance(ref, VideoRef)


@pytest.mark.parametrize(
    "text",
    [
        "sv:", "sv:0", "sv:-1", "sv:1.5", "sv:²", "sv:١٢", f"sv:{2**63}", "sv: 1", "sv:1:1",
        "sv:1:1:1:1", "sv:1:-1:1", "sv:1:1:40000", "tt", "tt123", "tt0113277x", "kitsu:1",
        "tt0113277:1", "sv:1:" + "9" * 100,
    ],
)  # fmt: skip
def test_malformed_ids_are_none(text):
    assert parse(text) is None


def test_an_imdb_id_that_is_not_well_formed_is_not_used_as_the_id():
    assert item_id("nm0000001", 7) == "sv:7"


@given(
    search=st.text(TEXT, max_size=50),
    genre=st.text(TEXT, max_size=30),
    skip=st.integers(min_value=0, max_value=100_000),
)
def test_encoded_extras_read_back_as_sent(search, genre, skip):
    segment = f"search={quote(search, safe='')}&genre={quote(genre, safe='')}&skip={skip}"

    read = catalog_extra(segment)

    assert read.skip == skip
    assert read.search == " ".join(search.split())[:200]
    assert read.genre == genre.strip()[:60]


@given(st.text(max_size=300))
def test_any_segment_reads_or_refuses_with_a_reason(text):
    for read in (catalog_extra, subtitles_extra):
        try:
            read(text)
        except BadExtra as error:
            reason = str(error)
        else:
            reason = "read"
        assert reason


def test_too_many_fields_or_characters_are_refused():
    with pytest.raises(BadExtra):
        fields_of("&".join(f"a{n}=1" for n in range(11)))
    with pytest.raises(BadExtra):
        fields_of("search=" + "x" * 2001)


def test_subtitles_extras_read_the_size_and_ignore_a_bad_one():
    assert subtitles_extra("videoHash=ab12&videoSize=1234").video_size == 1234
    assert subtitles_extra("videoSize=-5").video_size is None
    assert subtitles_extra("").video_size is None


# --- the raw path -------------------------------------------------------------------------

DECODED = "search=heat&cops"  # what Django matched: the server decoded %26
RAW_SEGMENT = "search=heat%26cops"


def test_a_raw_path_keeps_an_ampersand_inside_a_value():
    request = RequestFactory().get(
        "/x", RAW_URI=f"/stremio/t/catalog/movie/films/{RAW_SEGMENT}.json?a=1"
    )

    segment = extra_segment(request, DECODED)

    assert catalog_extra(segment).search == "heat&cops"


def test_an_asgi_raw_path_is_read_too():
    request = RequestFactory().get("/x")
    request.scope = {"raw_path": f"/stremio/t/catalog/movie/films/{RAW_SEGMENT}.json".encode()}

    assert extra_segment(request, DECODED) == RAW_SEGMENT


@pytest.mark.parametrize(
    "raw",
    [None, "/stremio/t/catalog/movie/films/search=other.json", "/stremio/t/manifest", "junk"],
)
def test_a_raw_path_that_does_not_decode_to_the_segment_is_ignored(raw):
    meta = {"RAW_URI": raw} if raw else {}
    request = RequestFactory().get("/x", **meta)

    assert extra_segment(request, DECODED) == DECODED


def test_a_request_without_a_scope_or_raw_uri_uses_the_decoded_segment():
    request = SimpleNamespace(META={})
    assert extra_segment(request, DECODED) == DECODED
