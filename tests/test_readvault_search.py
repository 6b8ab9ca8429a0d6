"""ReadVault's series search (readvault.search) and its place in the site's one search box
(streaming.site.search_everywhere): what a site's readers find, in which order, on either
database, whatever they type, with a constant number of queries."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from readvault.models import Series, SeriesHiding
from readvault.search.schema import SQLITE_FOLDS, sqlite_fold
from readvault.search.series import search_series, typeahead_series
from readvault.search.signals import restore_triggers
from shadowvault.search_sources import search_sources
from streaming.models import Title
from tests.factories import comic_chapter, comic_series, film

pytestmark = pytest.mark.django_db

HOSTILE = [
    "",
    "   ",
    '"',
    '"unterminated',
    "*",
    "naru*",
    "NEAR(naruto piece)",
    "naruto AND piece",
    "naruto OR",
    "names:naruto",
    "{names}: x",
    "^naruto",
    "-naruto",
    "(((",
    "%",
    "_",
    "%_%",
    "\\",
    "'; DROP TABLE readvault_series; --",
    "\x00",
    "nar\x00uto",
    "😀 ナルト",
    "x" * 10_000,
    "a " * 5_000,
]


@pytest.fixture
def library(alpha, beta) -> dict[str, Series]:
    """Series shared by the sites: what Alpha shows, a draft, and one only Beta shows."""
    made = {
        "naruto": comic_series("Naruto", alternative_titles=["ナルト"], year=1999),
        "boruto": comic_series("Boruto: Naruto Next Generations", year=2016),
        "titan": comic_series(
            "Attack on Titan", alternative_titles=["Shingeki no Kyojin", "進撃の巨人"], year=2009
        ),
        "piece": comic_series("One Piece", year=1997),
        "punch": comic_series("One-Punch Man", year=2012),
        "spice": comic_series("Spice and Wolf", alternative_titles=["Ookami to Koushinryou"]),
        "pokemon": comic_series("Pokémon Adventures", year=1997),
        "dragon": comic_series("Dragon Ball"),
        "draft": comic_series("Naruto Gaiden", publish=False),
        "hidden": comic_series("Naruto Hiden"),
    }
    SeriesHiding.objects.create(tenant=alpha, series=made["hidden"])
    return made


def titles(found) -> list[str]:
    return [hit.title for hit in (found.hits if hasattr(found, "hits") else found)]


# --- what is found ----------------------------------------------------------------------------


def test_a_misspelt_title_finds_the_series(alpha, library):
    assert titles(search_series("Nruto", alpha))[0] == "Naruto"


def test_an_alternative_title_finds_the_series_and_says_which(alpha, library):
    found = search_series("shingeki", alpha)

    assert titles(found) == ["Attack on Titan"]
    assert found.hits[0].extra == "Also known as Shingeki no Kyojin"
    assert titles(search_series("進撃の巨人", alpha)) == ["Attack on Titan"]


def test_a_misspelt_word_among_others_finds_the_series(alpha, library):
    assert titles(search_series("one pice", alpha))[0] == "One Piece"


def test_accents_are_folded_both_ways(alpha, library):
    comic_series("Dràgon Quest")

    assert titles(search_series("pokemon", alpha)) == ["Pokémon Adventures"]
    assert titles(search_series("POKÉMON adventures", alpha)) == ["Pokémon Adventures"]
    assert titles(search_series("dragon", alpha)) == ["Dragon Ball", "Dràgon Quest"]
    assert titles(search_series("dràgon", alpha)) == ["Dragon Ball", "Dràgon Quest"]


def test_exact_and_prefix_matches_come_first(alpha, library):
    assert titles(search_series("naruto", alpha)) == ["Naruto", "Boruto: Naruto Next Generations"]
    assert titles(search_series("one", alpha))[:2] == ["One Piece", "One-Punch Man"]


def test_drafts_and_series_the_site_hid_never_come_out(alpha, beta, library):
    for query in ["naruto", "naruto gaiden", "naruto hiden", "hiden", "gaiden", "nruto"]:
        assert not {"Naruto Gaiden", "Naruto Hiden"} & set(titles(search_series(query, alpha)))
        assert not {"Naruto Gaiden", "Naruto Hiden"} & set(titles(typeahead_series(query, alpha)))

    assert "Naruto Hiden" in titles(search_series("naruto hiden", beta))
    assert "Naruto Gaiden" not in titles(search_series("naruto gaiden", beta))


def test_an_inactive_or_unknown_site_finds_nothing(alpha, library, django_assert_num_queries):
    alpha.is_active = False
    alpha.save()

    with django_assert_num_queries(0):
        assert search_series("naruto", alpha).hits == []
        assert search_series("naruto", None).hits == []
        assert typeahead_series("naru", alpha) == []


def test_typeahead_completes_words_and_needs_two_letters(alpha, library):
    assert titles(typeahead_series("nar", alpha)) == ["Naruto", "Boruto: Naruto Next Generations"]
    assert titles(typeahead_series("one p", alpha)) == ["One Piece", "One-Punch Man"]
    assert titles(typeahead_series("shing", alpha)) == ["Attack on Titan"]
    assert typeahead_series("n", alpha) == []
    assert len(typeahead_series("o", alpha, limit=50)) == 0


def test_a_hit_links_to_the_series_page(alpha, library):
    hit = search_series("naruto", alpha).hits[0]

    assert (hit.kind, hit.label, hit.url, hit.year) == ("manga", "Manga", "/manga/naruto/", 1999)
    assert Client(HTTP_HOST="a.test").get(hit.url).status_code == 200


def test_pages_of_results(alpha, library):
    for n in range(30):
        comic_series(f"Naruto Volume Set {n}")

    first = search_series("naruto", alpha, limit=10)
    last = search_series("naruto", alpha, limit=10, offset=30)

    assert (first.total, first.total_is_capped) == (32, False)
    assert (len(first.hits), len(last.hits)) == (10, 2)
    assert titles(first)[0] == "Naruto"
    # Names starting with the word before a name holding it further in.
    assert titles(last)[-1] == "Boruto: Naruto Next Generations"


# --- the index follows the library ------------------------------------------------------------


def test_the_index_follows_edits_and_deletions(alpha, library):
    naruto = library["naruto"]
    naruto.title = "Narutó Classic"
    naruto.alternative_titles = ["Ninja Tales"]
    naruto.save()
    library["piece"].delete()

    assert "Narutó Classic" in titles(search_series("naruto classic", alpha))
    assert titles(search_series("ninja tales", alpha)) == ["Narutó Classic"]
    assert titles(search_series("one piece", alpha)) == []
    assert Series.objects.filter(title="Narutó Classic").update(alternative_titles=["Kage"]) == 1
    assert titles(search_series("kage", alpha)) == ["Narutó Classic"]


def test_odd_alternative_titles_are_read_as_far_as_they_are_names(alpha, library):
    comic_series("Weird Names", alternative_titles=["Kimetsu", 7, None, {"x": "y"}, ["nested"]])
    comic_series("Not A List", alternative_titles={"ja": "Kaiju"})

    assert titles(search_series("kimetsu", alpha)) == ["Weird Names"]
    assert titles(search_series("not a list", alpha)) == ["Not A List"]


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's triggers")
def test_sqlite_triggers_come_back_after_a_migration_drops_them(alpha, library):
    with connection.cursor() as cursor:
        cursor.execute("DROP TRIGGER readvault_series_fts_insert")
        cursor.execute("DROP TRIGGER readvault_series_fts_update")
    comic_series("Bleach")  # not indexed: no trigger
    library["piece"].title = "One Piece Film"
    library["piece"].save()

    assert restore_triggers(connection) is True
    assert restore_triggers(connection) is False  # nothing missing the second time
    assert titles(search_series("bleach", alpha)) == ["Bleach"]
    assert titles(search_series("one piece", alpha)) == ["One Piece Film"]
    comic_series("Bleach Again")
    assert titles(search_series("bleach", alpha)) == ["Bleach", "Bleach Again"]


def test_sqlite_folds_with_ascii_replacements_only():
    # The triggers apply the replacements in rounds: with ASCII results only, no round can
    # undo or redo another, whatever the order.
    assert all(bare.isascii() for bare in SQLITE_FOLDS.values())
    assert sqlite_fold("Pokémon: Ōkami-Straße") == "Pokemon  Okami Strasse"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's column")
def test_postgresql_keeps_names_folded_in_the_trigram_column(library):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT search_names FROM readvault_series WHERE id = %s", [library["pokemon"].pk]
        )
        assert cursor.fetchone()[0] == " pokemon adventures  "
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE indexname = 'readvault_series_names_trgm'"
        )
        assert "gin_trgm_ops" in cursor.fetchone()[0]


# --- bad input, bounded work ------------------------------------------------------------------


@pytest.mark.parametrize("query", HOSTILE)
def test_no_input_makes_search_fail(alpha, library, query):
    search_series(query, alpha)
    typeahead_series(query, alpha)


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(query=st.text(max_size=300), limit=st.integers(-5, 500), offset=st.integers(-5, 10**6))
def test_any_text_and_any_page_are_answered(alpha, library, query, limit, offset):
    page = search_series(query, alpha, limit=limit, offset=offset)

    assert len(page.hits) <= 100
    assert all(0 < hit.score <= 1 for hit in page.hits)
    assert len(typeahead_series(query, alpha, limit=limit)) <= 30


def test_queries_per_call_stay_the_same_as_the_library_grows(
    alpha, library, django_assert_num_queries
):
    calls = {
        "found as typed": (lambda: search_series("naruto", alpha), 1),
        "misspelt": (lambda: search_series("nruto", alpha), 2),
        "nothing": (lambda: search_series("zzqqxx", alpha), 2),
        "typeahead": (lambda: typeahead_series("one p", alpha), 1),
        "typeahead misspelt": (lambda: typeahead_series("shngeki", alpha), 2),
        "no words": (lambda: search_series("&&&", alpha), 0),
    }

    def measure() -> None:
        for name, (call, queries) in calls.items():
            with django_assert_num_queries(queries):
                call()
            assert name

    measure()
    Series.objects.bulk_create(
        Series(title=f"Naruto Tribute {n}", slug=f"tribute-{n}", status="published")
        for n in range(400)
    )
    measure()


# --- the one search box -----------------------------------------------------------------------


def test_the_manga_source_is_registered_in_ready():
    assert [(source.kind, source.label) for source in search_sources()] == [("manga", "Manga")]


@pytest.fixture
def naruto_film(alpha) -> Title:
    return film("Naruto the Movie", year=2004, slug="naruto-the-movie")


def test_the_search_page_shows_films_and_manga_in_one_list_with_their_kinds(
    on_alpha, library, naruto_film
):
    page = on_alpha.get("/search/", {"q": "naruto"}).content.decode()

    manga = page.index('href="/manga/naruto/"')
    movie = page.index('href="/title/naruto-the-movie/"')
    assert manga < movie  # the exact name before a longer one
    assert page.count('class="kind-badge">Manga<') == 2  # Naruto, Boruto
    assert "2004 · Film" in page
    assert "3 results" in page
    assert "Naruto Hiden" not in page
    assert "Naruto Gaiden" not in page


def test_the_search_page_lists_manga_when_no_title_matches(on_alpha, library):
    page = on_alpha.get("/search/", {"q": "shingeki"}).content.decode()

    assert 'href="/manga/attack-on-titan/"' in page
    assert "Also known as Shingeki no Kyojin" in page
    assert "Nothing found" not in page


def test_typeahead_json_includes_series_with_their_kind(on_alpha, library, naruto_film):
    results = on_alpha.get("/search/typeahead", {"q": "naru"}).json()["results"]

    by_title = {result["title"]: result for result in results}
    naruto = by_title["Naruto"]
    assert (naruto["kind"], naruto["badge"], naruto["url"]) == ("manga", "Manga", "/manga/naruto/")
    movie = by_title["Naruto the Movie"]
    assert (movie["kind"], movie["slug"], movie["url"], movie["badge"]) == (
        "film",
        "naruto-the-movie",
        "/title/naruto-the-movie/",
        "",
    )
    assert "Naruto Hiden" not in by_title


def cover_link(series: Series) -> str:
    """The start of the signed link to the series' cover: page 0 of its first chapter, as
    the original (the tiny test page is narrower than 300 px)."""
    return f"/pages/{series.chapters.get().pk}/0/orig?md5="


def test_the_search_page_shows_a_signed_cover_for_a_series_with_pages(on_alpha, library):
    comic_chapter(library["naruto"], "1")

    page = on_alpha.get("/search/", {"q": "naruto"}).content.decode()

    naruto = page[page.index('href="/manga/naruto/"') :]
    assert naruto.split("</a>")[0].count(f'<img src="{cover_link(library["naruto"])}') == 1
    boruto = page[page.index('href="/manga/boruto-naruto-next-generations/"') :]
    assert "<img" not in boruto.split("</a>")[0]  # no pages: the letter
    assert 'class="poster-fallback" aria-hidden="true">B<' in boruto


def test_the_typeahead_gives_a_signed_cover_for_a_series_with_pages(on_alpha, library):
    comic_chapter(library["naruto"], "1")

    results = on_alpha.get("/search/typeahead", {"q": "naru"}).json()["results"]

    by_title = {result["title"]: result for result in results}
    assert by_title["Naruto"]["image"].startswith(cover_link(library["naruto"]))
    assert "&expires=" in by_title["Naruto"]["image"]
    assert by_title["Boruto: Naruto Next Generations"]["image"] == ""


def test_the_cover_the_operator_chose_is_shown(on_alpha, library):
    comic_chapter(library["naruto"], "1")
    later = comic_chapter(library["naruto"], "2")
    Series.objects.filter(pk=library["naruto"].pk).update(cover_page=later.pages.get())

    results = on_alpha.get("/search/typeahead", {"q": "naruto"}).json()["results"]

    naruto = next(result for result in results if result["title"] == "Naruto")
    assert naruto["image"].startswith(f"/pages/{later.pk}/0/orig?md5=")


def test_the_search_page_and_typeahead_add_a_constant_number_of_queries(
    on_alpha, library, naruto_film
):
    def counts() -> list[tuple[int, int]]:
        """(all queries, the series' queries) of each request."""
        measured = []
        for path, query in [
            ("/search/", "naruto"),
            ("/search/", "shingeki"),  # no title: the titles' second try
            ("/search/", "nruto"),  # misspelt: the series' second read
            ("/search/typeahead", "naru"),
        ]:
            with CaptureQueriesContext(connection) as captured:
                assert on_alpha.get(path, {"q": query}).status_code == 200
            sql = [query["sql"] for query in captured.captured_queries]
            measured.append((len(sql), sum("readvault_series" in s for s in sql)))
        return measured

    comic_chapter(library["naruto"], "1")  # a cover: its page and images are read too
    few = counts()
    for n in range(40):
        film(f"Naruto Documentary {n}", year=2000 + n)
        comic_series(f"Naruto Artbook {n}")

    # The series: 1, or 2 when misspelt; and 3 more for their covers (readvault.search.covers:
    # the covers' ids, their pages and their images, each picked by the series).
    assert [series for _, series in few] == [4, 4, 5, 4]
    assert counts() == few
