"""Watch progress (resume, finished, continue watching) and watchlists, per viewer and site."""

import pytest

from streaming.models import MediaFile, TitleHiding, WatchlistEntry
from streaming.viewer.activity import (
    ProgressRejected,
    continue_watching,
    record_progress,
    resume_position,
    set_on_watchlist,
)
from tests.factories import publish_film


def film_media(name: str) -> MediaFile:
    """A published film of 6000 s: the positions below are read against that length."""
    return publish_film(name=name, duration_seconds=6000)


@pytest.fixture
def heat(db) -> MediaFile:
    return film_media("Heat")


def test_playback_resumes_where_the_viewer_left(alpha, alice, heat):
    record_progress(alpha, alice, heat, 1234.5)

    assert resume_position(alpha, alice, heat) == 1234.5


def test_progress_is_per_site(alpha, beta, alice, heat):
    record_progress(alpha, alice, heat, 1234.5)

    assert resume_position(beta, alice, heat) == 0


def test_near_the_end_counts_as_finished_and_restarts(alpha, alice, heat):
    progress = record_progress(alpha, alice, heat, 5700)

    assert progress.finished
    assert resume_position(alpha, alice, heat) == 0


@pytest.mark.parametrize("position", [-1, float("nan"), 6100, 10**9])
def test_impossible_positions_are_refused(alpha, alice, heat, position):
    with pytest.raises(ProgressRejected):
        record_progress(alpha, alice, heat, position)


def test_continue_watching_lists_unfinished_visible_files_newest_first(alpha, alice, heat):
    other = film_media("Ronin")
    finished = film_media("Done")
    hidden = film_media("Hidden")
    record_progress(alpha, alice, heat, 100)
    record_progress(alpha, alice, other, 200)
    record_progress(alpha, alice, finished, 5990)
    record_progress(alpha, alice, hidden, 300)
    TitleHiding.objects.create(tenant=alpha, title=hidden.title)

    rows = continue_watching(alpha, alice)

    assert [row.media_file for row in rows] == [other, heat]


def test_continue_watching_runs_one_query(alpha, alice, heat, django_assert_num_queries):
    for n in range(10):
        record_progress(alpha, alice, film_media(f"Film {n}"), 100 + n)

    with django_assert_num_queries(1):
        rows = continue_watching(alpha, alice)
        titles = [row.media_file.title.title for row in rows]

    assert len(titles) == 10


def test_the_watchlist_adds_once_and_removes(alpha, alice, heat):
    set_on_watchlist(alpha, alice, heat.title, True)
    set_on_watchlist(alpha, alice, heat.title, True)

    assert WatchlistEntry.objects.for_tenant(alpha).count() == 1
    set_on_watchlist(alpha, alice, heat.title, False)
    assert not WatchlistEntry.objects.exists()
