"""Watch progress (resume, finished, continue watching) and watchlists, per viewer and site."""

import pytest

from stored_media.models import StoredObject
from streaming.models import MediaFile, Title, TitleHiding, WatchlistEntry
from streaming.viewer.activity import (
    ProgressRejected,
    continue_watching,
    record_progress,
    resume_position,
    set_on_watchlist,
)


def film_file(name: str, duration: float = 6000) -> MediaFile:
    film = Title.objects.create(title=name, status=Title.Status.PUBLISHED)
    stored = StoredObject.objects.create(backend="local", key=name, filename=name, size=1)
    return MediaFile.objects.create(title=film, stored=stored, duration_seconds=duration)


@pytest.fixture
def heat(db) -> MediaFile:
    return film_file("Heat")


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
    other = film_file("Ronin")
    finished = film_file("Done")
    hidden = film_file("Hidden")
    record_progress(alpha, alice, heat, 100)
    record_progress(alpha, alice, other, 200)
    record_progress(alpha, alice, finished, 5990)
    record_progress(alpha, alice, hidden, 300)
    TitleHiding.objects.create(tenant=alpha, title=hidden.title)

    rows = continue_watching(alpha, alice)

    assert [row.media_file for row in rows] == [other, heat]


def test_continue_watching_runs_one_query(alpha, alice, heat, django_assert_num_queries):
    for n in range(10):
        record_progress(alpha, alice, film_file(f"Film {n}"), 100 + n)

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
