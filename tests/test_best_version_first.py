"""Which version plays first is one order (MediaFile.objects.best_first): the tallest picture,
then the oldest file. Every place that picks or lists versions agrees, even when the files'
ids and creation times disagree (a file copied in from another database keeps its age)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from streaming.models import Episode, MediaFile, Season, Title
from streaming.site.next_episode import next_episode_for
from tests.factories import stored

pytestmark = pytest.mark.django_db


def version(name: str, age_days: int, height: int | None = 1080, **owner) -> MediaFile:
    """A file made now but dated `age_days` back: created_at set after the insert, since
    auto_now_add ignores a value given to create()."""
    media = MediaFile.objects.create(stored=stored(f"{name}.mp4"), height=height, **owner)
    created = timezone.now() - timedelta(days=age_days)
    MediaFile.objects.filter(pk=media.pk).update(created_at=created)
    return media


@pytest.fixture
def heat():
    """A film whose newer id is its older file, and a file of unknown height."""
    title = Title.objects.create(title="Heat", status=Title.Status.PUBLISHED)
    newer = version("heat-newer", age_days=1, title=title)
    older = version("heat-older", age_days=30, title=title)
    unknown = version("heat-unknown", age_days=60, height=None, title=title)
    small = version("heat-small", age_days=90, height=480, title=title)
    assert newer.pk < older.pk  # ids and ages disagree
    return title, [older, newer, small, unknown]


@pytest.fixture
def show():
    """A series whose episode 2 has two 1080p files, the newer one first by id."""
    title = Title.objects.create(
        title="Show", kind=Title.Kind.SERIES, status=Title.Status.PUBLISHED
    )
    season = Season.objects.create(title=title, number=1)
    first, second = (Episode.objects.create(season=season, number=n) for n in (1, 2))
    opening = version("show-1", age_days=5, episode=first)
    newer = version("show-2-newer", age_days=1, episode=second)
    older = version("show-2-older", age_days=30, episode=second)
    return title, opening, older, newer


@pytest.fixture
def member(on_alpha, alice) -> Client:
    on_alpha.force_login(alice)
    return on_alpha


def ids(files) -> list[int]:
    return [media.pk for media in files]


def test_the_order_is_tallest_then_oldest_with_unknown_heights_last(heat):
    title, best_first = heat

    assert ids(MediaFile.objects.filter(title=title).best_first()) == ids(best_first)


def test_the_title_page_plays_and_lists_the_oldest_of_the_tallest(member, heat):
    title, best_first = heat

    page = member.get(f"/title/{title.slug}/").context["page"]

    assert page.play_media.pk == best_first[0].pk
    assert ids(page.versions) == ids(best_first)


def test_the_player_offers_the_versions_in_the_same_order(member, heat):
    _, best_first = heat

    response = member.get(f"/watch/{best_first[-1].pk}/")

    assert ids(response.context["versions"]) == ids(best_first)


def test_the_api_lists_a_films_versions_in_the_same_order(alpha, heat):
    title, best_first = heat

    detail = APIClient(HTTP_HOST="a.test").get(f"/api/titles/{title.pk}/").json()

    assert [m["id"] for m in detail["media_files"]] == ids(best_first)


def test_a_series_starts_and_continues_with_the_same_version(member, alpha, show):
    title, opening, older, newer = show

    page = member.get(f"/title/{title.slug}/").context["page"]
    seasons = APIClient(HTTP_HOST="a.test").get(f"/api/titles/{title.pk}/seasons/").json()
    following = next_episode_for(alpha, MediaFile.objects.get(pk=opening.pk))

    assert page.play_media.pk == opening.pk
    episode_two = page.seasons[0].episodes.all()[1]
    assert ids(episode_two.media_files.all()) == [older.pk, newer.pk]
    assert [m["id"] for m in seasons[0]["episodes"][1]["media_files"]] == [older.pk, newer.pk]
    assert following.media_id == older.pk
