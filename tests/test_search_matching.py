"""The one scale every search source ranks by (shadowvault.search_matching), and how a
source's hits join the titles' list (shadowvault.search_sources): pure functions."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shadowvault.search_matching import (
    MAX_QUERY_CHARS,
    MAX_WORD_CHARS,
    MAX_WORDS,
    Query,
    best_name,
    fold,
    name_score,
    one_slip,
    query_words,
    words_found,
)
from shadowvault.search_sources import (
    SearchHit,
    SourcePage,
    merge_by_score,
    register_search_source,
    search_sources,
)

letters = st.text(alphabet="abcdefghij", min_size=1, max_size=10)


def score(query: str, name: str, *, prefix: bool = False) -> float:
    return name_score(Query.of(query, prefix=prefix), name)


def test_a_query_becomes_folded_words_without_syntax():
    assert query_words('"Pokémon" AND Straße* -NEAR(x:y) \\ \x00') == [
        "pokemon",
        "and",
        "strasse",
        "near",
        "x",
        "y",
    ]
    assert query_words("Ørsted Œuvre ナルト 進撃の巨人") == [
        "orsted",
        "oeuvre",
        "ナルト",
        "進撃の巨人",
    ]
    assert query_words(None) == query_words(42) == []


def test_long_input_is_cut():
    assert query_words("x" * 10_000) == ["x" * MAX_WORD_CHARS]
    assert len(query_words(" ".join(f"w{n}" for n in range(50)))) == MAX_WORDS
    assert query_words("a " * MAX_QUERY_CHARS + "zebra") == ["a"]


@given(st.text())
def test_words_are_only_folded_letters_and_digits(text):
    words = query_words(text)

    assert len(words) <= MAX_WORDS
    assert len(set(words)) == len(words)
    for word in words:
        assert re.fullmatch(r"[^\W_]+", word)
        assert len(word) <= MAX_WORD_CHARS
        assert fold(word) == word


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ("naruto", "nruto", True),  # missing
        ("naruto", "narruto", True),  # extra
        ("naruto", "nareto", True),  # wrong
        ("naruto", "naurto", True),  # swapped
        ("naruto", "naruto", False),
        ("naruto", "nurato", False),
        ("piece", "pice", True),
        ("ab", "ba", True),
        ("abc", "abcde", False),
    ],
)
def test_one_slip(a, b, expected):
    assert one_slip(a, b) is expected
    assert one_slip(b, a) is expected


@given(letters, letters)
def test_one_slip_agrees_with_the_slips_it_names(a, b):
    deleted = {a[:i] + a[i + 1 :] for i in range(len(a))}
    swapped = {a[:i] + a[i + 1] + a[i] + a[i + 2 :] for i in range(len(a) - 1)}
    changed = {a[:i] + c + a[i + 1 :] for i in range(len(a)) for c in "abcdefghij"}
    added = {a[:i] + c + a[i:] for i in range(len(a) + 1) for c in "abcdefghij"}

    assert one_slip(a, b) == (b != a and b in deleted | swapped | changed | added)


def test_the_scale_orders_kinds_of_match():
    exact = score("one piece", "One Piece")
    starts = score("one piece", "One Piece: Strong World")
    words = score("piece one", "One Piece")
    slip = score("one pice", "One Piece")
    inside = score("iece", "One Piece")
    trigrams = score("pieeece", "One Piece")

    assert exact == 1.0
    assert 1.0 > starts > words > slip > inside > trigrams > 0
    assert score("one piece", "Naruto") == 0
    assert score("one zzzz", "One Piece") == 0  # every word must be found


def test_a_slip_keeping_the_first_letter_beats_one_that_does_not():
    assert score("one pice", "One Piece") > score("one pice", "One Spice")


def test_an_unfinished_last_word_is_a_start_of_a_word():
    assert score("one p", "One Piece", prefix=True) == 0.95
    assert score("nrut", "Naruto", prefix=True) > 0
    assert score("one p", "One Piece") < score("one p", "One Piece", prefix=True)


def test_accents_are_folded_both_ways():
    assert score("pokemon", "Pokémon") == score("pokémon", "Pokemon") == 1.0


def test_the_best_name_and_whether_it_was_typed_as_it_is():
    query = Query.of("shingeki")
    names = ["Attack on Titan", "Shingeki no Kyojin", ""]

    assert best_name(query, names)[1] == "Shingeki no Kyojin"
    assert best_name(query, []) == (0.0, "")
    assert words_found(query, "Shingeki no Kyojin")
    assert not words_found(Query.of("shngeki"), "Shingeki no Kyojin")


@given(st.text(max_size=60), st.text(max_size=60), st.booleans())
def test_any_text_scores_between_0_and_1(query, name, prefix):
    assert 0.0 <= score(query, name, prefix=prefix) <= 1.0


# --- joining the lists ------------------------------------------------------------------------


def hit(title: str, points: float) -> SearchHit:
    return SearchHit(kind="manga", title=title, url=f"/manga/{title}/", score=points)


def test_hits_go_before_the_first_title_that_scores_lower():
    titles = [("Naruto the Movie", 0.95), ("Boruto", 0.3), ("Something", 0.0)]
    hits = [hit("Naruto", 1.0), hit("Naruto Gaiden", 0.9), hit("Narutoo", 0.1)]

    merged = merge_by_score(titles, lambda t: t[1], hits)

    assert [m.title if isinstance(m, SearchHit) else m[0] for m in merged] == [
        "Naruto",
        "Naruto the Movie",
        "Naruto Gaiden",
        "Boruto",
        "Narutoo",
        "Something",
    ]


@given(
    st.lists(st.floats(0, 1), max_size=8),
    st.lists(st.floats(0, 1), max_size=8).map(lambda s: sorted(s, reverse=True)),
)
def test_merging_keeps_both_orders_and_every_item(ours, theirs):
    hits = [hit(str(n), points) for n, points in enumerate(theirs)]

    merged = list(merge_by_score(list(enumerate(ours)), lambda item: item[1], hits))

    assert [m for m in merged if not isinstance(m, SearchHit)] == list(enumerate(ours))
    assert [m for m in merged if isinstance(m, SearchHit)] == hits


def test_a_source_registered_again_replaces_itself_and_labels_its_hits():
    kept = list(search_sources())

    def search(query, tenant, *, limit, offset):
        return SourcePage([hit("X", 0.5)], 1)

    def suggest(prefix, tenant, *, limit):
        return [hit("X", 0.5)]

    try:
        register_search_source("comics", search, suggest)
        register_search_source("comics", search, suggest, label="Comic")
        source = search_sources()[-1]

        assert [s.kind for s in search_sources()].count("comics") == 1
        assert source.search_page("x", None, limit=5, offset=0).hits[0].label == "Comic"
        assert source.suggestions("x", None, limit=5)[0].as_json()["badge"] == "Comic"
    finally:
        from shadowvault import search_sources as module

        module._SOURCES.clear()
        module._SOURCES.update({s.kind: s for s in kept})
