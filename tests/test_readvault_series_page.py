"""The series page (readvault.site): what a search result about a series opens, until the
reader comes: the site's own page with the series' title, a cover placeholder, its summary
and its chapters, for the series the site shows only, in a constant number of queries."""

from __future__ import annotations

import pytest

from readvault.models import SeriesHiding, Volume
from tests.factories import comic_chapter, comic_series

pytestmark = pytest.mark.django_db


@pytest.fixture
def berserk(alpha):
    series = comic_series(
        "Berserk",
        alternative_titles=["ベルセルク"],
        summary="Guts, a wandering swordsman, and the Band of the Hawk.",
        year=1989,
    )
    volume = Volume.objects.create(series=series, number=1)
    comic_chapter(series, "1", position=1, volume=volume, title="The Black Swordsman")
    comic_chapter(series, "1.5", position=2)
    return series


def test_the_page_shows_the_series_and_its_chapters_in_reading_order(on_alpha, berserk):
    answer = on_alpha.get("/manga/berserk/")
    page = answer.content.decode()

    assert answer.status_code == 200
    assert "<title>Berserk · Alpha</title>" in page
    assert 'class="skip-link"' in page  # the site's base template
    assert 'alt="Cover of Berserk"' in page  # its first page (readvault.pages.links)
    assert "Guts, a wandering swordsman" in page
    assert "Also known as ベルセルク" in page
    assert page.index("Vol. 1 Ch. 1 The Black Swordsman") < page.index("Ch. 1.5")
    assert "1 page" in page


def test_a_series_without_chapters_says_so(on_alpha):
    comic_series("Vagabond")

    assert "No chapters yet." in on_alpha.get("/manga/vagabond/").content.decode()


def test_drafts_hidden_and_unknown_series_are_the_same_404(alpha, on_alpha, on_beta, berserk):
    comic_series("Draft Manga", publish=False)
    hidden = comic_series("Hidden Manga")
    SeriesHiding.objects.create(tenant=alpha, series=hidden)

    for slug in ["draft-manga", "hidden-manga", "no-such-series"]:
        answer = on_alpha.get(f"/manga/{slug}/")
        assert answer.status_code == 404
        assert "Hidden Manga" not in answer.content.decode()
    assert on_beta.get("/manga/hidden-manga/").status_code == 200


def test_only_get_is_answered(on_alpha, berserk):
    assert on_alpha.post("/manga/berserk/").status_code == 405


def test_the_page_runs_the_same_queries_however_many_chapters(
    on_alpha, berserk, django_assert_num_queries
):
    # The site, the series, its chapters with their volumes, the cover (its id, page and
    # images), credits, genres, tags. A visitor: no progress or list to read.
    with django_assert_num_queries(9):
        on_alpha.get("/manga/berserk/")
    for n in range(2, 12):
        comic_chapter(berserk, str(n), position=n + 1)

    with django_assert_num_queries(9):
        page = on_alpha.get("/manga/berserk/").content.decode()
    assert "Ch. 11" in page
