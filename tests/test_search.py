"""Title search (streaming.search): what a site's viewers find, in which order, on either
database, whatever they type, with a constant number of queries."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test import Client, RequestFactory
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from streaming.models import Episode, Genre, MediaFile, Season, Title, TitleHiding
from streaming.search import MAX_RESULTS, search_titles, typeahead
from streaming.search.terms import terms_of
from streaming.site.catalogue_views import typeahead as typeahead_view
from tests.factories import episode_file, film_file

HOSTILE = [
    '"',
    '"unterminated',
    "*",
    "matrix*",
    ":",
    "title:matrix",
    "{title}: matrix",
    "&",
    "|",
    "!",
    "!matrix",
    "(",
    "matrix)",
    "NEAR",
    "NEAR(matrix heat)",
    "AND",
    "matrix AND heat",
    "OR NOT",
    "'",
    "'; DROP TABLE streaming_title; --",
    "\\",
    "\\'",
    "\x00",
    "mat\x00rix",
    "^matrix",
    "-matrix",
    "matrix <-> heat",
    "'matrix':*A",
    "%",
    "_",
    "\u200b\u200d\u202e",
    "\u0301\u0301",
    "\ufdfa" * 50,  # NFKC expands this one character into 18
    "🎬🍿",
    "x" * 5000,
    " ".join(["matrix"] * 500),
]


def titled(name: str, *, days_ago: int, status=Title.Status.PUBLISHED, **fields) -> Title:
    title = Title.objects.create(title=name, status=status, **fields)
    # Deterministic "newest" order, whatever the clock's resolution.
    Title.objects.filter(pk=title.pk).update(created_at=timezone.now() - dt.timedelta(days_ago))
    return title


def media(title: Title | None = None, episode: Episode | None = None, audio=()) -> MediaFile:
    if episode is not None:
        return episode_file(episode, audio_languages=list(audio))
    return film_file(title, audio_languages=list(audio))


@pytest.fixture
def catalogue(alpha, beta) -> dict[str, Title]:
    scifi = Genre.objects.create(name="Science fiction", slug="science-fiction")
    crime = Genre.objects.create(name="Crime", slug="crime")
    matrix = titled(
        "The Matrix",
        days_ago=50,
        year=1999,
        overview="A hacker learns what his reality is.",
    )
    heat = titled(
        "Heat",
        days_ago=40,
        year=1995,
        overview="A thief plans one last job in the matrix of Los Angeles.",
    )
    interstellar = titled(
        "Interstellar", days_ago=30, year=2014, overview="Explorers cross a wormhole."
    )
    amelie = titled(
        "Amélie",
        days_ago=20,
        year=2001,
        original_title="Le Fabuleux Destin d'Amélie Poulain",
        overview="A shy waitress in Montmartre.",
    )
    dark = titled(
        "Dark",
        days_ago=10,
        year=2017,
        kind=Title.Kind.SERIES,
        overview="A missing child and a wormhole in a small town.",
    )
    matrix.genres.add(scifi)
    interstellar.genres.add(scifi)
    dark.genres.add(scifi)
    heat.genres.add(crime)
    media(matrix, audio=["en", "ja"])
    media(heat, audio=["en"])
    episode = Episode.objects.create(season=Season.objects.create(title=dark, number=1), number=1)
    media(episode=episode, audio=["de"])
    draft = titled("The Matrix Draft", days_ago=5, status=Title.Status.DRAFT, year=2030)
    hidden = titled("Matrix Hidden", days_ago=1, year=2003, overview="Interstellar hackers.")
    TitleHiding.objects.create(tenant=alpha, title=hidden)
    return {
        "matrix": matrix,
        "heat": heat,
        "interstellar": interstellar,
        "amelie": amelie,
        "dark": dark,
        "draft": draft,
        "hidden": hidden,
    }


def names(result) -> list[str]:
    return [title.title for title in result.titles]


def test_title_matches_rank_above_overview_matches(alpha, catalogue):
    result = search_titles("matrix", alpha)

    assert names(result) == ["The Matrix", "Heat"]
    assert (result.total, result.corrected_query, result.total_is_capped) == (2, None, False)


def test_every_word_must_match_and_case_and_accents_do_not_matter(alpha, catalogue):
    assert names(search_titles("MATRIX hacker", alpha)) == ["The Matrix"]
    assert names(search_titles("amelie", alpha)) == ["Amélie"]
    assert names(search_titles("AMÉLIE poulain", alpha)) == ["Amélie"]
    assert names(search_titles("matrix wormhole", alpha)) == []


def test_an_empty_query_browses_the_site_newest_first(alpha, catalogue):
    for blank in ["", "   ", "\t\n", "***", None]:
        result = search_titles(blank, alpha)

        assert names(result) == ["Dark", "Amélie", "Interstellar", "Heat", "The Matrix"]
        assert result.total == 5


def test_filters_narrow_by_kind_genre_years_and_audio_language(alpha, catalogue):
    def found(query="", **filters):
        return set(names(search_titles(query, alpha, **filters)))

    assert found(kind="series") == {"Dark"}
    assert found("wormhole", kind="film") == {"Interstellar"}
    assert found(genre="science-fiction") == {"The Matrix", "Interstellar", "Dark"}
    assert found("matrix", genre="crime") == {"Heat"}
    assert found(year_from=1999, year_to="2014") == {"The Matrix", "Interstellar", "Amélie"}
    assert found(year_from="2002") == {"Interstellar", "Dark"}
    assert found(language="en") == {"The Matrix", "Heat"}
    assert found(language="de") == {"Dark"}  # an episode's audio counts for its series
    assert found(language="e") == set()


def test_filter_values_that_name_nothing_match_nothing(alpha, catalogue):
    assert search_titles("", alpha, kind="podcast").titles == []
    assert search_titles("", alpha, genre="no such genre!").titles == []
    assert search_titles("", alpha, language="en'; --").titles == []
    assert search_titles("", alpha, year_from="soon").total == 5  # not a year: ignored


def test_sort_orders(alpha, catalogue):
    def order(sort: str, query: str = "") -> list[str]:
        return names(search_titles(query, alpha, sort=sort))

    assert order("title") == ["Amélie", "Dark", "Heat", "Interstellar", "The Matrix"]
    assert order("year") == ["Dark", "Interstellar", "Amélie", "The Matrix", "Heat"]
    assert order("newest") == ["Dark", "Amélie", "Interstellar", "Heat", "The Matrix"]
    assert order("year", "wormhole") == ["Dark", "Interstellar"]
    assert order("title", "matrix") == ["Heat", "The Matrix"]
    assert order("no such order", "matrix") == order("relevance", "matrix")


def test_pages_of_results(alpha, catalogue):
    first = search_titles("", alpha, sort="title", limit=2)
    second = search_titles("", alpha, sort="title", limit=2, offset=2)
    beyond = search_titles("", alpha, sort="title", limit=2, offset=99)

    assert names(first) == ["Amélie", "Dark"]
    assert names(second) == ["Heat", "Interstellar"]
    assert (beyond.titles, beyond.total) == ([], 5)
    assert len(search_titles("", alpha, limit="lots").titles) == 5  # default page size
    assert len(search_titles("", alpha, limit=-3).titles) == 1


def test_drafts_and_titles_the_site_hid_never_appear(alpha, beta, catalogue):
    on_alpha = [search_titles(q, alpha) for q in ["matrix", "hidden", "draft", "", "hackers"]]
    on_alpha.append(search_titles("matrx hiden", alpha))  # a typo of the hidden title

    shown = {name for result in on_alpha for name in names(result)}
    assert "Matrix Hidden" not in shown
    assert "The Matrix Draft" not in shown
    assert all(result.corrected_query is None for result in on_alpha[-1:])
    assert [t["title"] for t in typeahead("matr", alpha)] == ["The Matrix"]
    # Beta did not hide it: only the draft stays out there.
    assert set(names(search_titles("matrix", beta))) == {"The Matrix", "Heat", "Matrix Hidden"}


def test_an_inactive_or_unknown_site_finds_nothing(alpha, catalogue):
    alpha.is_active = False

    assert search_titles("matrix", alpha).titles == []
    assert search_titles("", None).titles == []
    assert typeahead("matr", alpha) == []


def test_typeahead_completes_the_words_of_titles(alpha, catalogue):
    assert typeahead("inter", alpha) == [
        {
            "id": catalogue["interstellar"].pk,
            "title": "Interstellar",
            "year": 2014,
            "kind": "film",
            "slug": catalogue["interstellar"].slug,
        }
    ]
    assert [t["title"] for t in typeahead("the MAT", alpha)] == ["The Matrix"]
    assert [t["title"] for t in typeahead("fabul", alpha)] == ["Amélie"]  # original title


def test_typeahead_looks_at_titles_only_and_needs_two_letters(alpha, catalogue):
    assert typeahead("hack", alpha) == []  # only in an overview
    assert typeahead("m", alpha) == []
    assert typeahead("", alpha) == []
    assert len(typeahead("a", alpha, limit=50)) == 0
    assert len(typeahead("ma", alpha, limit=50)) == 1


def test_the_typeahead_view_answers_json_for_the_requests_site(alpha, catalogue):
    request = RequestFactory().get("/search/typeahead", {"q": "heat"})
    request.tenant = alpha

    response = typeahead_view(request)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert b'"title": "Heat"' in response.content


def test_the_index_follows_edits_and_deletions(alpha, catalogue):
    heat = catalogue["heat"]
    heat.title = "Heat Wave"
    heat.overview = "A quiet summer."
    heat.save()
    catalogue["interstellar"].delete()

    assert names(search_titles("wave", alpha)) == ["Heat Wave"]
    assert names(search_titles("matrix", alpha)) == ["The Matrix"]
    assert names(search_titles("wormhole", alpha)) == ["Dark"]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's spelling fixes")
def test_postgresql_fixes_up_to_two_slips_per_word_from_title_words(alpha, catalogue):
    one_slip = search_titles("matirx", alpha)
    two_slips = search_titles("intrestelar", alpha)

    assert (names(one_slip), one_slip.corrected_query) == (["The Matrix", "Heat"], "matrix")
    assert (names(two_slips), two_slips.corrected_query) == (["Interstellar"], "interstellar")
    assert search_titles("qwxz", alpha).corrected_query is None


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's vocabulary table")
def test_postgresql_vocabulary_follows_published_titles(alpha, catalogue):
    from streaming.search import refresh_vocabulary

    titled("Oppenheimer", days_ago=0, year=2023)  # saved after the vocabulary was built

    assert search_titles("openheimer", alpha).corrected_query == "oppenheimer"

    Title.objects.filter(title="Oppenheimer").update(status=Title.Status.DRAFT)
    refresh_vocabulary()

    assert search_titles("openheimer", alpha).corrected_query is None


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's best-effort spelling fixes")
def test_sqlite_fixes_one_slip_per_word_and_no_more(alpha, catalogue):
    one_slip = search_titles("interstelar", alpha)
    swapped = search_titles("matirx", alpha)
    two_slips = search_titles("intrestelar", alpha)

    assert (names(one_slip), one_slip.corrected_query) == (["Interstellar"], "interstellar")
    assert (names(swapped), swapped.corrected_query) == (["The Matrix", "Heat"], "matrix")
    assert (two_slips.titles, two_slips.corrected_query) == ([], None)


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite rebuilds tables to alter them")
def test_sqlite_triggers_come_back_after_a_migration_drops_them(alpha, catalogue):
    from streaming.search import signals, sqlite
    from streaming.search.schema import FTS_TRIGGERS

    with connection.cursor() as cursor:
        for name in FTS_TRIGGERS:
            cursor.execute(f"DROP TRIGGER {name}")
    titled("Arrival", days_ago=0)  # not indexed: no trigger

    assert search_titles("arrival", alpha).titles == []

    signals.migrated(
        sender=None, app_config=type("App", (), {"label": "streaming"}), using="default"
    )

    assert names(search_titles("arrival", alpha)) == ["Arrival"]
    assert sqlite.restore_triggers(connection) is False  # all there now


@pytest.mark.parametrize("query", HOSTILE)
def test_syntax_characters_are_plain_text(alpha, catalogue, query):
    result = search_titles(query, alpha)
    typeahead(query, alpha)

    assert result.total >= 0
    if terms_of(query) == ["matrix"]:  # the syntax around the word is ignored
        assert "The Matrix" in names(result)


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    query=st.text(),
    kind=st.one_of(st.none(), st.text(max_size=12)),
    genre=st.one_of(st.none(), st.text(max_size=12)),
    years=st.tuples(
        st.one_of(st.none(), st.integers(), st.text(max_size=6), st.floats()),
        st.one_of(st.none(), st.integers(), st.text(max_size=6)),
    ),
    language=st.one_of(st.none(), st.text(max_size=8)),
    sort=st.text(max_size=10),
    page=st.tuples(st.integers(), st.one_of(st.integers(), st.floats(), st.text(max_size=4))),
)
def test_no_input_makes_search_fail(
    alpha, catalogue, query, kind, genre, years, language, sort, page
):
    result = search_titles(
        query,
        alpha,
        kind=kind,
        genre=genre,
        year_from=years[0],
        year_to=years[1],
        language=language,
        sort=sort,
        offset=page[0],
        limit=page[1],
    )
    suggestions = typeahead(query, alpha, limit=page[1])

    assert 0 <= len(result.titles) <= result.total <= MAX_RESULTS
    assert "Matrix Hidden" not in names(result)
    assert len(suggestions) <= 20


def test_queries_per_search_stay_the_same_as_the_catalogue_grows(
    alpha, catalogue, django_assert_max_num_queries
):
    def counts() -> list[int]:
        measured = []
        for call in [
            lambda: search_titles("matrix", alpha, genre="science-fiction", sort="year"),
            lambda: search_titles("wormhole", alpha),
            lambda: search_titles("matirx", alpha),  # a spelling fix: the most queries
            lambda: search_titles("", alpha, kind="film", language="en"),
            lambda: typeahead("ma", alpha),
        ]:
            with django_assert_max_num_queries(7) as captured:
                call()
            measured.append(len(captured.captured_queries))
        return measured

    few = counts()
    for n in range(40):
        film = titled(f"Matrix Sequel {n}", days_ago=n, year=2000 + n, overview="wormhole")
        film.genres.add(Genre.objects.get(slug="science-fiction"))
        media(film, audio=["en"])

    assert counts() == few


def test_the_typeahead_endpoint_answers_for_the_requests_site(alpha):
    Title.objects.create(title="Star Wars", status=Title.Status.PUBLISHED)

    answer = Client(HTTP_HOST="a.test").get("/search/typeahead", {"q": "sta"}).json()

    assert [item["title"] for item in answer["results"]] == ["Star Wars"]
