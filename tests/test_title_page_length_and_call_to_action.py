"""Title pages: a film's length as measured (a 10 s clip is "10 s", not the "1 min" metadata
rounds it to), and one call to action: Play for members, "Sign in to watch" for everyone
else, never both."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from streaming.models import Episode, Season, Title
from streaming.templatetags.running_time import running_time
from tests import factories
from tests.factories import episode_file, film_file

pytestmark = pytest.mark.django_db


def film(name: str, seconds: float | None, runtime_minutes: int | None = None) -> Title:
    title = factories.film(name, runtime_minutes=runtime_minutes)
    film_file(title, duration_seconds=seconds)
    return title


def meta_line(page: str) -> str:
    return re.search(r'<p class="title-meta muted">(.*?)</p>', page, re.S).group(1)


def page_of(title: Title, user=None) -> str:
    client = Client(HTTP_HOST="a.test")
    if user is not None:
        client.force_login(user)
    return client.get(f"/title/{title.slug}/").content.decode()


LENGTHS = [
    *[(10, "10 s"), (0.3, "1 s"), (59.4, "59 s"), (59.6, "1 min"), (600, "10 min")],
    *[(3600, "1 h"), (6170, "1 h 43 min"), (None, ""), (0, "")],
]


@pytest.mark.parametrize(("seconds", "shown"), LENGTHS)
def test_running_time_says_seconds_under_a_minute(seconds, shown):
    assert running_time(seconds) == shown


def test_a_ten_second_film_is_ten_seconds_long(alpha):
    clip = film("Clip", 10, runtime_minutes=1)  # what the sample's metadata says

    meta = meta_line(page_of(clip))

    assert "<span>10 s</span>" in meta
    assert "min" not in meta


def test_the_catalogue_runtime_stands_in_when_no_file_was_measured(alpha):
    feature = film("Feature", None, runtime_minutes=128)

    assert "<span>2 h 8 min</span>" in meta_line(page_of(feature))


def test_episodes_show_their_files_length(alpha, alice):
    show = Title.objects.create(title="Show", kind=Title.Kind.SERIES, status="published")
    episode = Episode.objects.create(
        season=Season.objects.create(title=show, number=1), number=1, runtime_minutes=1
    )
    episode_file(episode, duration_seconds=42)

    assert '<span class="muted"> · 42 s</span>' in page_of(show)


def test_a_visitor_gets_one_call_to_action_that_leads_to_the_player(alpha):
    clip = film("Clip", 10)
    media = clip.media_files.get()

    page = page_of(clip)

    assert page.count("Sign in to watch") == 1
    assert "▶ Play" not in page
    assert f'href="/account/login/?next=/watch/{media.pk}/"' in page


def test_a_member_gets_play_and_no_sign_in(alpha, alice):
    clip = film("Clip", 10)

    page = page_of(clip, alice)

    assert page.count("▶ Play") == 1
    assert "Sign in to watch" not in page


def test_no_video_means_no_call_to_action(alpha):
    empty = Title.objects.create(title="Empty", status=Title.Status.PUBLISHED)

    page = page_of(empty)

    assert "No video for this title yet." in page
    assert "Sign in to watch" not in page
