"""One rule for "in progress": started (past 30 s, or 5% of anything under ten minutes) and
not finished (before the last 8%). Home's and the account page's "Continue watching", the
player's resume position and the API all follow it, and the pages say what counts.

Before, a 10 s film stopped at 4 s was "40% watched" in the history next to "Continue
watching: nothing to pick up again": only positions past 30 s counted.
"""

from __future__ import annotations

import pytest
from django.test import Client
from rest_framework.test import APIClient

from streaming.models import MediaFile, WatchProgress
from streaming.viewer import activity
from tests.factories import publish_film

pytestmark = pytest.mark.django_db


def film_file(name: str, duration: float | None) -> MediaFile:
    return publish_film(name=name, duration_seconds=duration)


def member_client(user) -> Client:
    client = Client(HTTP_HOST="a.test")
    client.force_login(user)
    return client


# (duration of the file, position, in progress?)
CASES = [
    (10, 0.2, False),  # under 5% of a clip
    (10, 4, True),  # 40% of a 10 s clip: the case from the issue
    (10, 9.5, False),  # past 92%: finished
    (120, 7, True),  # 5% of two minutes is 6 s
    (7200, 20, False),  # the first seconds of a feature film
    (7200, 31, True),
    (7200, 7000, False),
    (None, 20, False),  # length unknown: the 30 s rule alone
    (None, 45, True),
]


@pytest.mark.parametrize(("duration", "position", "expected"), CASES)
def test_the_rule_in_the_database_and_in_python_agree(alpha, alice, duration, position, expected):
    media = film_file("Clip", duration)
    progress = WatchProgress.objects.create(
        tenant=alpha, user=alice, media_file=media, position_seconds=position
    )

    in_sql = WatchProgress.objects.filter(activity.in_progress_rule()).exists()

    assert (in_sql, activity.is_in_progress(progress)) == (expected, expected)


def test_the_player_reports_the_duration_when_the_file_has_none(alpha, alice):
    media = film_file("Clip", None)
    activity.record_progress(alpha, alice, media, 4, duration=10)

    assert [r.media_file for r in activity.continue_watching(alpha, alice)] == [media]
    assert activity.resume_position(alpha, alice, media) == 4


def test_a_short_film_stopped_part_way_is_in_progress_everywhere(alpha, alice):
    clip = film_file("Ten Seconds", 10)
    activity.record_progress(alpha, alice, clip, 4)
    client = member_client(alice)

    account = client.get("/account/").content.decode()
    home = client.get("/").content.decode()
    api = APIClient(HTTP_HOST="a.test")
    api.force_authenticate(alice)
    continuing = api.get("/api/progress/continue/").json()
    history = api.get("/api/progress/history/").json()["results"]

    assert "Nothing to pick up again" not in account
    assert account.count(f'href="/watch/{clip.pk}/"') == 2  # continue watching and history
    assert f'href="/watch/{clip.pk}/"' in home
    assert [row["media_file"] for row in continuing] == [clip.pk]
    assert [row["in_progress"] for row in continuing + history] == [True, True]
    assert activity.resume_position(alpha, alice, clip) == 4


def test_barely_started_and_finished_are_history_only(alpha, alice):
    feature = film_file("Feature", 7200)
    clip = film_file("Clip", 10)
    activity.record_progress(alpha, alice, feature, 20)
    activity.record_progress(alpha, alice, clip, 9.8)
    api = APIClient(HTTP_HOST="a.test")
    api.force_authenticate(alice)

    history = api.get("/api/progress/history/").json()["results"]
    account = member_client(alice).get("/account/").content.decode()

    assert activity.continue_watching(alpha, alice) == []
    assert api.get("/api/progress/continue/").json() == []
    assert [row["in_progress"] for row in history] == [False, False]
    assert "Nothing to pick up again" in account
    assert activity.resume_position(alpha, alice, feature) == 0


def test_the_pages_say_what_counts_as_in_progress(alpha, alice):
    activity.record_progress(alpha, alice, film_file("Clip", 10), 4)
    client = member_client(alice)

    for path in ("/account/", "/"):
        page = client.get(path).content.decode()
        assert "past the first 30 seconds" in page, path
        assert "the first 5% of anything under 10 minutes" in page, path
        assert "before the last 8%" in page, path


def test_the_explanation_follows_the_numbers():
    assert str(activity.STARTED_SECONDS) in activity.IN_PROGRESS_EXPLAINED
