"""How a typed query becomes search terms, and how a misspelt term is fixed (pure functions:
streaming.search.terms)."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from streaming.search.terms import (
    MAX_QUERY_CHARS,
    MAX_TERM_CHARS,
    MAX_TERMS,
    correct,
    edit_distance,
    needing_trigrams,
    one_edit_away,
    terms_of,
)

words = st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=12)


def test_a_query_becomes_its_lower_case_words_without_syntax():
    assert terms_of('"The Matrix" AND heat* -NEAR(x:y) \\ \x00') == [
        "the",
        "matrix",
        "and",
        "heat",
        "near",
        "x",
        "y",
    ]
    assert terms_of("it's O'Brien_Wu's") == ["it", "s", "o", "brien", "wu"]


def test_latin_accents_go_and_other_scripts_stay_whole():
    assert terms_of("Amélie Ångström Straße") == ["amelie", "angstrom", "straße"]
    assert terms_of("Крёстный отец 東京物語 기생충 ガンダム") == [
        "крёстный",
        "отец",
        "東京物語",
        "기생충",
        "ガンダム",
    ]


def test_repeated_words_count_once_and_long_input_is_cut():
    assert terms_of("heat heat HEAT") == ["heat"]
    assert len(terms_of(" ".join(f"w{i}" for i in range(100)))) == MAX_TERMS
    assert terms_of("x" * 10_000) == ["x" * MAX_TERM_CHARS]
    assert terms_of("a " * MAX_QUERY_CHARS + "zebra") == ["a"]  # beyond the cut


def test_anything_that_is_not_text_gives_no_terms():
    assert terms_of(None) == []
    assert terms_of(42) == []
    assert terms_of(["heat"]) == []


@given(st.text())
def test_terms_are_only_letters_and_digits(text):
    terms = terms_of(text)

    assert len(terms) <= MAX_TERMS
    assert len(set(terms)) == len(terms)
    for term in terms:
        assert re.fullmatch(r"[^\W_]+", term)
        assert 0 < len(term) <= MAX_TERM_CHARS
        assert term == term.lower()


@given(words, words)
def test_edit_distance_is_a_symmetric_count_of_slips(a, b):
    assert edit_distance(a, b) == edit_distance(b, a)
    assert (edit_distance(a, b) == 0) == (a == b)
    assert edit_distance(a, b) <= max(len(a), len(b))


def test_edit_distance_counts_the_four_typing_slips_as_one():
    assert edit_distance("matrix", "matirx") == 1  # swapped
    assert edit_distance("matrix", "matix") == 1  # dropped
    assert edit_distance("matrix", "mattrix") == 1  # doubled
    assert edit_distance("matrix", "matrox") == 1  # wrong letter
    assert edit_distance("interstellar", "intrestelar") == 2


@given(words.filter(lambda w: len(w) >= 3))
def test_every_variant_is_exactly_one_slip_away(word):
    variants = one_edit_away(word)

    assert word not in variants
    assert all(edit_distance(word, variant) == 1 for variant in variants)


def test_a_known_word_stays_and_an_unknown_one_takes_the_nearest_common_word():
    vocabulary = {"matrix": 12, "heat": 40, "heal": 3, "interstellar": 2}

    assert correct("heat", vocabulary) == "heat"
    assert correct("matirx", vocabulary) == "matrix"
    assert correct("hea", vocabulary) == "heat"  # one slip from both: the commoner
    assert correct("intrestelar", vocabulary) == "interstellar"
    assert correct("zzzzzz", vocabulary) == "zzzzzz"
    assert correct("he", vocabulary) == "he"  # too short to guess


def test_only_long_terms_without_a_one_slip_match_need_trigrams():
    vocabulary = {"matrix": 1}

    assert needing_trigrams(["matirx", "intrestelar", "hat"], vocabulary) == ["intrestelar"]
