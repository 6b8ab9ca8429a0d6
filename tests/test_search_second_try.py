"""When a query's words find nothing, search tries what they may have meant, on both
databases: a slip in one of two words of a title written as one word ("shdow vault" for
"ShadowVault Sample"), a word inside such a title ("vault"), a bare release year ("2026") or
a year next to words ("heat 1995"). Typeahead falls back to the same typo-tolerant search
when no title word starts with what was typed, so it no longer matches only word starts.
"""

from __future__ import annotations

import pytest
from django.test import Client

from streaming.models import Title, TitleHiding
from streaming.search import search_titles, typeahead
from tests.factories import film

pytestmark = pytest.mark.django_db


def published(name: str, year: int | None = None, **fields) -> Title:
    return film(name, year=year, **fields)


@pytest.fixture
def catalogue(alpha) -> dict[str, Title]:
    return {
        "sample": published("ShadowVault Sample", 2026, overview="Ten seconds of test pattern."),
        "split": published("Shadow Vault", 2019),
        "heat": published("Heat", 1995),
        "ronin": published("Ronin", 1998),
        "blade": published("Blade Runner 2049", 2017),
        "news": published("Evening News", 2026),
        "draft": Title.objects.create(title="Vaultbreaker", year=2026),  # a draft
    }


def names(result) -> list[str]:
    return [title.title for title in result.titles]


def suggested(prefix: str, tenant) -> list[str]:
    return [row["title"] for row in typeahead(prefix, tenant)]


@pytest.mark.parametrize("query", ["shdow vault", "shadow vault", "shadowvalt", "vault sample"])
def test_a_slip_or_a_space_in_a_one_word_title_still_finds_it(alpha, catalogue, query):
    result = search_titles(query, alpha)

    assert "ShadowVault Sample" in names(result)
    assert "Vaultbreaker" not in names(result)


def test_the_page_says_what_the_query_was_read_as(alpha, catalogue):
    result = search_titles("shdow vault", alpha)

    assert set(names(result)) == {"ShadowVault Sample", "Shadow Vault"}
    assert result.corrected_query == "shadow vault"


def test_a_title_written_as_one_word_is_found_by_its_two_words(alpha, catalogue):
    found = search_titles("shadow vault", alpha)

    assert set(names(found)) == {"ShadowVault Sample", "Shadow Vault"}
    assert found.corrected_query is None  # found as typed: the joined words are asked at once


def test_two_words_written_together_find_the_title_that_keeps_them_apart(alpha):
    published("Shadow Vault", 2019)
    published("Heat", 1995)

    found = search_titles("shadowvault", alpha)

    assert (names(found), found.corrected_query) == (["Shadow Vault"], "shadow vault")
    assert suggested("shadowvault", alpha) == ["Shadow Vault"]


def test_a_word_inside_a_title_word_finds_it(alpha, catalogue):
    assert set(names(search_titles("adow", alpha))) == {"Shadow Vault", "ShadowVault Sample"}
    assert names(search_titles("vault sample", alpha)) == ["ShadowVault Sample"]


def test_a_bare_year_finds_that_years_titles(alpha, catalogue):
    result = search_titles("2026", alpha)

    assert set(names(result)) == {"ShadowVault Sample", "Evening News"}
    assert result.total == 2


def test_a_year_next_to_words_narrows_them(alpha, catalogue):
    assert names(search_titles("heat 1995", alpha)) == ["Heat"]
    assert names(search_titles("heat 2026", alpha)) == []
    assert names(search_titles("2049", alpha)) == ["Blade Runner 2049"]  # a title's own word


def test_a_year_with_a_slip_in_the_words(alpha, catalogue):
    result = search_titles("ronn 1998", alpha)

    assert (names(result), result.corrected_query) == (["Ronin"], "ronin")


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("adow", ["ShadowVault Sample", "Shadow Vault"]),  # inside words only
        ("vault samp", ["ShadowVault Sample"]),
        ("shadow va", ["ShadowVault Sample", "Shadow Vault"]),
        ("shdow", ["ShadowVault Sample", "Shadow Vault"]),  # a slip: the typo-tolerant search
        ("rnin", ["Ronin"]),
    ],
)
def test_typeahead_falls_back_to_the_typo_tolerant_search(alpha, catalogue, typed, expected):
    assert sorted(suggested(typed, alpha)) == sorted(expected)


def test_typeahead_still_prefers_word_starts(alpha, catalogue):
    assert suggested("samp", alpha) == ["ShadowVault Sample"]
    assert suggested("break", alpha) == []  # only inside a draft's word


def test_the_second_try_never_shows_hidden_titles(alpha, catalogue):
    TitleHiding.objects.create(tenant=alpha, title=catalogue["sample"])

    assert names(search_titles("shdow vault", alpha)) == ["Shadow Vault"]
    assert "ShadowVault Sample" not in suggested("adow", alpha)
    assert names(search_titles("2026", alpha)) == ["Evening News"]


def test_the_search_page_and_the_typeahead_endpoint_use_it(alpha, catalogue):
    client = Client(HTTP_HOST="a.test")

    page = client.get("/search/", {"q": "shdow vault"}).content.decode()
    answer = client.get("/search/typeahead", {"q": "adow"}).json()

    assert "ShadowVault Sample" in page
    assert "shadow vault" in page  # what the query was read as
    assert "ShadowVault Sample" in [row["title"] for row in answer["results"]]


def test_the_second_try_costs_a_bounded_number_of_queries(
    alpha, catalogue, django_assert_max_num_queries
):
    with django_assert_max_num_queries(7):
        search_titles("shdow vault", alpha)
    with django_assert_max_num_queries(7):
        search_titles("heat 1995", alpha)
    with django_assert_max_num_queries(7):
        typeahead("shdow", alpha)
