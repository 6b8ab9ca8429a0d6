"""Operators' curation tools: refresh and match metadata (TMDB double), merge duplicates."""

from __future__ import annotations

import pytest
from django.test import Client

from streaming.catalogue.merge import MergeRefused, merge_titles
from streaming.metadata.refresh import refresh_title
from streaming.models import (
    Collection,
    CollectionEntry,
    Episode,
    MediaFile,
    Season,
    Title,
    TitleHiding,
    WatchlistEntry,
)
from streaming.viewer.activity import record_progress, resume_position
from streaming.viewer.comments import post_comment
from tests.factories import episode_file, film_file


def media(title: Title | None = None, episode: Episode | None = None) -> MediaFile:
    if episode is not None:
        return episode_file(episode, duration_seconds=6000)
    return film_file(title, duration_seconds=6000)


def test_refresh_fills_a_skeleton_from_a_single_clear_match(db, tmdb):
    skeleton = Title.objects.create(title="The Matrix", year=1999, is_skeleton=True)

    message = refresh_title(skeleton)

    skeleton.refresh_from_db()
    assert "refreshed" in message
    assert (skeleton.tmdb_id, skeleton.is_skeleton) == (603, False)
    assert skeleton.credits.filter(person__name="Keanu Reeves").exists()


def test_refresh_keeps_the_title_and_says_why_when_tmdb_refuses(db, tmdb, settings):
    settings.TMDB_API_KEY = "wrong-key"
    skeleton = Title.objects.create(title="The Matrix", is_skeleton=True)

    message = refresh_title(skeleton)

    skeleton.refresh_from_db()
    assert skeleton.is_skeleton
    assert "401" in skeleton.metadata_error or "key" in skeleton.metadata_error
    assert "wrong-key" not in message + skeleton.metadata_error


def test_the_match_screen_lists_candidates_and_applies_the_chosen_one(alpha, olivia, tmdb):
    skeleton = Title.objects.create(title="Matrix", is_skeleton=True)
    client = Client(HTTP_HOST="a.test")
    client.force_login(olivia)

    page = client.get(f"/admin/streaming/title/{skeleton.pk}/match/?q=The+Matrix&year=1999")
    chosen = client.post(f"/admin/streaming/title/{skeleton.pk}/match/", {"external_id": "603"})

    skeleton.refresh_from_db()
    assert b"The Matrix" in page.content
    assert chosen.status_code == 302
    assert skeleton.tmdb_id == 603


def test_the_match_screen_shows_provider_errors_plainly(alpha, olivia, tmdb):
    tmdb.garbage_next(5)
    title = Title.objects.create(title="Anything")
    client = Client(HTTP_HOST="a.test")
    client.force_login(olivia)

    page = client.get(f"/admin/streaming/title/{title.pk}/match/")

    assert page.status_code == 200
    assert b"errornote" in page.content


def test_merging_keeps_media_seasons_comments_and_viewer_data(alpha, beta, alice):
    keep = Title.objects.create(title="Show", kind="series", status="published")
    dup = Title.objects.create(title="Show (dup)", kind="series", tmdb_id=1399, overview="x")
    shared = Season.objects.create(title=keep, number=1)
    Episode.objects.create(season=shared, number=1)
    dup_s1 = Season.objects.create(title=dup, number=1)
    dup_e1 = Episode.objects.create(season=dup_s1, number=1)
    dup_e2 = Episode.objects.create(season=dup_s1, number=2)
    dup_s2 = Season.objects.create(title=dup, number=2)
    file_e1 = media(episode=dup_e1)
    media(episode=dup_e2)
    record_progress(alpha, alice, file_e1, 400)
    post_comment(alpha, alice, dup, "kept?")
    WatchlistEntry.objects.create(tenant=alpha, user=alice, title=dup)
    WatchlistEntry.objects.create(tenant=alpha, user=alice, title=keep)
    TitleHiding.objects.create(tenant=beta, title=dup)
    collection = Collection.objects.create(name="C", slug="c")
    CollectionEntry.objects.create(collection=collection, title=dup)

    merge_titles(keep, dup)

    keep.refresh_from_db()
    assert not Title.objects.filter(pk=dup.pk).exists()
    assert sorted(keep.seasons.values_list("number", flat=True)) == [1, 2]
    assert Season.objects.get(pk=dup_s2.pk).title == keep
    assert MediaFile.objects.filter(episode__season__title=keep).count() == 2
    assert resume_position(alpha, alice, file_e1) == 400
    assert keep.comments.get().body == "kept?"
    assert WatchlistEntry.objects.filter(title=keep).count() == 1
    assert TitleHiding.objects.get().title == keep
    assert list(collection.titles.all()) == [keep]
    assert (keep.tmdb_id, keep.overview) == (1399, "x")


def test_a_film_and_a_series_are_not_merged(db):
    film = Title.objects.create(title="A")
    show = Title.objects.create(title="A", kind="series")

    with pytest.raises(MergeRefused):
        merge_titles(film, show)


def test_the_admin_merges_two_selected_titles(alpha, olivia):
    older = Title.objects.create(title="Heat")
    newer = Title.objects.create(title="Heat 1995")
    media(title=newer)
    client = Client(HTTP_HOST="a.test")
    client.force_login(olivia)

    client.post(
        "/admin/streaming/title/", {"action": "merge", "_selected_action": [older.pk, newer.pk]}
    )

    assert list(Title.objects.all()) == [older]
    assert older.media_files.count() == 1
