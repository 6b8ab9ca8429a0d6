"""Counting activity as it happens (figures.recording): a save adds the position's advance,
bounded by the wall-clock time since the last save; a view is a viewer's first activity on a
title in a UTC day; pages read likewise; one query per save; a failure never breaks a save."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from figures import recording
from figures.models import ReadingActivity, WatchActivity
from readvault.reading.progress import record_page
from streaming.models import WatchProgress
from streaming.viewer.activity import record_progress
from tests.factories import comic_chapter, comic_series, film, film_file

pytestmark = pytest.mark.django_db

NOON = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)


@pytest.fixture
def media(db):
    return film_file(film("Counted"), duration_seconds=3600)


@pytest.fixture
def chapter(db):
    chapter = comic_chapter(comic_series("Counted Manga"), "1")
    chapter.page_count = 200
    chapter.save(update_fields=["page_count"])
    return chapter


def saves(alpha, user, media, *steps: tuple[float, float]) -> float:
    """Save (seconds after NOON, position) in turn; the seconds counted for the day."""
    for after, position in steps:
        with time_machine.travel(NOON + timedelta(seconds=after), tick=False):
            record_progress(alpha, user, media, position)
    return WatchActivity.objects.get(tenant=alpha, user=user, media_file=media).seconds


def test_playing_on_counts_the_seconds_played(alpha, alice, media):
    assert saves(alpha, alice, media, (0, 100), (10, 110), (20, 120)) == pytest.approx(20)


def test_the_first_save_of_a_day_sets_the_baseline_only(alpha, alice, media):
    assert saves(alpha, alice, media, (0, 100)) == 0


def test_a_second_save_of_the_same_position_adds_nothing(alpha, alice, media):
    assert saves(alpha, alice, media, (0, 100), (10, 110), (20, 110), (30, 110)) == 10


def test_seeking_ahead_is_not_watching(alpha, alice, media):
    # 10 s after the last save the viewer is 20 minutes further on: 10 s at most were played.
    assert saves(alpha, alice, media, (0, 100), (10, 1300)) == pytest.approx(10)


def test_seeking_back_adds_nothing_and_playing_on_from_there_counts(alpha, alice, media):
    assert saves(alpha, alice, media, (0, 600), (10, 50), (20, 60)) == pytest.approx(10)


def test_a_long_pause_then_a_seek_counts_at_most_the_cap_per_save(alpha, alice, media, settings):
    settings.FIGURES_MAX_SECONDS_PER_SAVE = 60
    # Paused an hour at 100, then sought to 3000 and played 10 s: not 2,900 s of watching.
    assert saves(alpha, alice, media, (0, 100), (3600, 3010)) == 60


def test_a_view_is_counted_once_a_day_per_viewer_and_file(alpha, alice, media):
    saves(alpha, alice, media, (0, 100), (10, 110))
    saves(alpha, alice, media, (7200, 50))  # watched again later that day

    assert WatchActivity.objects.filter(tenant=alpha, user=alice).count() == 1


def test_the_next_utc_day_starts_a_row_of_its_own(alpha, alice, media):
    late = NOON.replace(hour=23, minute=59, second=55)
    for at, position in ((late, 100), (late + timedelta(seconds=10), 110)):
        with time_machine.travel(at, tick=False):
            record_progress(alpha, alice, media, position)

    days = sorted(WatchActivity.objects.values_list("day", "seconds"))
    assert [day.isoformat() for day, _ in days] == ["2026-03-10", "2026-03-11"]
    assert [seconds for _, seconds in days] == [0, 0]  # each a first save of its day


def test_each_site_counts_its_own_viewing(alpha, beta, alice, media):
    saves(alpha, alice, media, (0, 100), (10, 110))
    saves(beta, alice, media, (0, 100))

    assert set(WatchActivity.objects.values_list("tenant_id", "seconds")) == {
        (alpha.pk, 10),
        (beta.pk, 0),
    }


def test_visitors_are_not_counted(alpha, media):
    recording.record_watching(alpha, AnonymousUser(), media.pk, 100)
    recording.record_reading(alpha, AnonymousUser(), 1, 1, 3)

    assert not WatchActivity.objects.exists()
    assert not ReadingActivity.objects.exists()


def turns(alpha, user, chapter, *steps: tuple[float, int]) -> int:
    for after, page in steps:
        with time_machine.travel(NOON + timedelta(seconds=after), tick=False):
            record_page(alpha, user, chapter, page)
    return ReadingActivity.objects.get(tenant=alpha, user=user, chapter=chapter).pages


def test_the_first_page_of_a_chapter_on_a_day_counts_one(alpha, alice, chapter):
    assert turns(alpha, alice, chapter, (0, 0)) == 1


def test_pages_turned_are_counted_once_each(alpha, alice, chapter):
    assert turns(alpha, alice, chapter, (0, 0), (5, 1), (12, 2), (20, 4), (30, 4)) == 5


def test_a_jump_through_the_slider_is_not_reading(alpha, alice, chapter):
    # From page 2 to page 150 in 3 seconds: at most a page a second.
    assert turns(alpha, alice, chapter, (0, 2), (3, 150)) == 1 + 3


def test_reading_rows_name_the_series_for_the_tops(alpha, alice, chapter):
    turns(alpha, alice, chapter, (0, 0))

    assert ReadingActivity.objects.get().series_id == chapter.series_id


def test_the_player_endpoint_counts_through_the_same_save(alpha, alice, media):
    client = Client(HTTP_HOST="a.test")
    client.force_login(alice)
    url = reverse("watch-progress", args=[media.pk])
    for after, position in ((0, 100), (10, 110)):
        with time_machine.travel(NOON + timedelta(seconds=after), tick=False):
            assert client.post(url, {"position": position}).status_code == 204

    assert WatchActivity.objects.get().seconds == pytest.approx(10)


def test_the_api_progress_counts_too(alpha, alice, media):
    client = Client(HTTP_HOST="a.test")
    client.force_login(alice)
    for after, position in ((0, 100), (10, 110)):
        with time_machine.travel(NOON + timedelta(seconds=after), tick=False):
            answer = client.post("/api/progress/", {"media_file": media.pk, "position": position})
            assert answer.status_code == 200, answer.content

    assert WatchActivity.objects.get().seconds == pytest.approx(10)


@pytest.mark.django_db(transaction=True)
def test_a_failing_count_is_logged_and_the_save_still_answers(
    alpha, alice, media, caplog, monkeypatch
):
    """The database refuses the count (a table gone, here): the viewer's place is saved."""
    client = Client(HTTP_HOST="a.test")
    client.force_login(alice)
    missing = "INSERT INTO figures_no_such_table VALUES (%s, %s, %s, %s, %s, %s)"
    monkeypatch.setattr(recording, "_watch_sql", lambda: missing)

    with caplog.at_level(logging.ERROR, "figures.recording"):
        answer = client.post(reverse("watch-progress", args=[media.pk]), {"position": 5})

    assert answer.status_code == 204
    assert "could not count watching" in caplog.text
    assert WatchProgress.objects.get(user=alice).position_seconds == 5


@pytest.mark.django_db(transaction=True)
def test_a_save_costs_one_query_more_first_or_later_in_the_day(alpha, alice, media, monkeypatch):
    """Outside a test's transaction, as in production: the counting upsert is one statement
    (no savepoint), for the day's first save and for the next ones."""
    client = Client(HTTP_HOST="a.test")
    client.force_login(alice)
    url = reverse("watch-progress", args=[media.pk])

    def queries(position: float) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.post(url, {"position": position}).status_code == 204
        return len(captured.captured_queries)

    with monkeypatch.context() as uncounting:
        uncounting.setattr("streaming.viewer.activity.record_watching", lambda *args: None)
        queries(5)  # the viewer's place is made: from here on every save updates it
        uncounted = queries(10)
    counted_first, counted_later = queries(20), queries(30)

    assert (counted_first, counted_later) == (uncounted + 1, uncounted + 1)
