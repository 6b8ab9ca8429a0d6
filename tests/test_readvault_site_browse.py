"""The manga grid (/manga/): the series this site shows this viewer, filtered by run status,
genre, language and reading direction, in three orders, a page at a time in a constant
number of queries; a bad filter value is a warning, never an error."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from readvault.catalogue import newest_chapter
from readvault.models import Chapter, Genre, Series, SeriesHiding
from tests.factories import comic_series
from tests.support.comic_rows import many_chapters
from tests.support.sweep_support import HOSTILE

pytestmark = pytest.mark.django_db


@pytest.fixture
def library(alpha):
    drama = Genre.objects.create(name="Drama", slug="drama")
    one = comic_series("The Apple Tree", language="ja", run_status="ongoing", age_rating="Teen")
    two = comic_series("Bamboo", language="en", run_status="completed", reading_direction="rtl")
    three = comic_series("Cedar", language="ja", reading_direction="webtoon", age_rating="M")
    one.genres.add(drama)
    comic_series("Draft Series", publish=False)
    SeriesHiding.objects.create(tenant=alpha, series=comic_series("Hidden Series"))
    return {"apple": one, "bamboo": two, "cedar": three, "drama": drama}


def names(client, query: str = "") -> list[str]:
    html = client.get(f"/manga/{query}").content.decode()
    return re.findall(r'<span class="title-card-name">([^<]*)</span>', html)


def test_the_grid_shows_what_the_site_shows_a_to_z(on_alpha, library):
    assert names(on_alpha) == ["The Apple Tree", "Bamboo", "Cedar"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("?status=completed", ["Bamboo"]),
        ("?genre=drama", ["The Apple Tree"]),
        ("?language=ja", ["The Apple Tree", "Cedar"]),
        ("?direction=webtoon", ["Cedar"]),
        ("?language=ja&status=ongoing", ["The Apple Tree"]),
    ],
)
def test_filters(on_alpha, library, query, expected):
    assert names(on_alpha, query) == expected


def test_newest_and_recently_updated_orders(on_alpha, library):
    Series.objects.filter(pk=library["bamboo"].pk).update(
        created_at=timezone.now() + timedelta(days=1)
    )
    many_chapters(library["cedar"], 1)
    old = many_chapters(library["apple"], 1)
    Chapter.objects.filter(pk=old[0].pk).update(created_at=timezone.now() - timedelta(days=9))
    newest_chapter.refresh([library["apple"].pk])  # update() sends no signals

    assert names(on_alpha, "?sort=newest")[0] == "Bamboo"
    assert names(on_alpha, "?sort=updated") == ["Cedar", "The Apple Tree", "Bamboo"]


def test_the_language_filter_names_languages(on_alpha, library):
    html = on_alpha.get("/manga/").content.decode()

    assert '<option value="ja">Japanese</option>' in html


@pytest.mark.parametrize("param", ["status", "genre", "language", "direction", "sort", "page"])
def test_hostile_values_are_warnings_never_errors(on_alpha, library, param):
    for value in HOSTILE:
        answer = on_alpha.get("/manga/", {param: value})
        assert answer.status_code in (200, 400), (param, value)
        if answer.status_code == 200 and param != "page" and value.strip("\x00 "):
            assert "message-warning" in answer.content.decode(), (param, value)


def test_an_unknown_genre_says_what_it_shows_instead(on_alpha, library):
    html = on_alpha.get("/manga/?genre=<b>nope</b>").content.decode()

    assert "There is no genre “&lt;b&gt;nope&lt;/b&gt;”; showing every genre." in html
    assert len(re.findall("title-card-name", html)) == 3


def test_an_empty_site_says_what_to_do(on_alpha, alpha_admin):
    html = on_alpha.get("/manga/").content.decode()
    assert "No manga yet" in html
    assert "Check back soon" in html

    on_alpha.force_login(alpha_admin)
    assert "Import comics" in on_alpha.get("/manga/").content.decode()


def test_filters_that_match_nothing_offer_to_clear_them(on_alpha, library):
    html = on_alpha.get("/manga/?status=hiatus").content.decode()

    assert "No series match these filters" in html


def test_the_sites_cap_and_the_members_cap_hide_series(on_alpha, alpha, alice, library):
    alpha.age_cap = 17
    alpha.save()
    assert names(on_alpha) == ["The Apple Tree", "Cedar"]  # unrated Bamboo goes

    alice.memberships.update(age_cap=13)
    on_alpha.force_login(alice)
    assert names(on_alpha) == ["The Apple Tree"]


def test_another_sites_hiding_does_not_hide_here(on_beta, library):
    assert "Hidden Series" in names(on_beta)


def test_pages_hold_24_series_and_count_no_further(on_alpha, library):
    Series.objects.bulk_create(
        Series(title=f"Zeta {n:02d}", slug=f"zeta-{n}", status="published") for n in range(30)
    )

    first = on_alpha.get("/manga/").content.decode()
    second = on_alpha.get("/manga/?page=2").content.decode()

    assert "33 series" in first
    assert len(re.findall("title-card-name", first)) == 24
    assert len(re.findall("title-card-name", second)) == 9
    assert 'rel="prev"' in second


def test_the_grid_takes_the_same_queries_for_few_and_many_series(on_alpha, alice, library):
    on_alpha.force_login(alice)
    with CaptureQueriesContext(connection) as few:
        on_alpha.get("/manga/?genre=drama&sort=updated")
    Series.objects.bulk_create(
        Series(title=f"Zeta {n}", slug=f"zeta-{n}", status="published") for n in range(200)
    )
    with CaptureQueriesContext(connection) as many:
        on_alpha.get("/manga/?genre=drama&sort=updated")

    assert len(few.captured_queries) == len(many.captured_queries) == 11


def test_manga_is_in_the_main_navigation_and_on_the_films_browse_page(on_alpha, library):
    assert 'href="/manga/"' in on_alpha.get("/").content.decode()
    assert 'href="/manga/"' in on_alpha.get("/browse/").content.decode()
