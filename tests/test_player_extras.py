"""The player's seek previews (sprite and thumbnails links) and its next-episode offer, as the
page and the link-renewal endpoint hand them to the script."""

from __future__ import annotations

import json

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from stored_media.models import StoredObject
from streaming.models import Episode, MediaFile, Title, TitleHiding
from streaming.site.next_episode import next_episode_for
from tests.factories import VTT_TEXT, episode_file, publish_film, series, stored

pytestmark = pytest.mark.django_db


def film(name: str = "Heat") -> MediaFile:
    return publish_film(name=name)


def media_of(show: Title, season: int, number: int) -> MediaFile:
    return MediaFile.objects.select_related("episode__season").get(
        episode__season__title=show, episode__season__number=season, episode__number=number
    )


def player_config(response) -> dict:
    html = response.content.decode()
    start = html.index('<script id="player-config" type="application/json">')
    return json.loads(html[start:].split(">", 1)[1].split("</script>", 1)[0])


@pytest.fixture
def member(on_alpha, alice) -> Client:
    on_alpha.force_login(alice)
    return on_alpha


@pytest.fixture
def with_previews() -> MediaFile:
    media = film()
    media.sprite = stored("sprite.jpg", b"\xff\xd8\xff\xe0", kind="jpeg")
    media.thumbnails = stored("heat.thumbnails.vtt", VTT_TEXT.encode(), kind="vtt")
    media.save(update_fields=["sprite", "thumbnails"])
    return media


# --- seek previews -------------------------------------------------------------------------


def test_the_player_config_carries_signed_sprite_and_thumbnails_links(member, with_previews):
    config = player_config(member.get(f"/watch/{with_previews.pk}/"))

    assert config["sprite"].startswith(f"/media/{with_previews.sprite.pk}/sprite.jpg?md5=")
    assert config["thumbnails"].startswith(
        f"/media/{with_previews.thumbnails.pk}/heat.thumbnails.vtt?md5="
    )
    assert "expires=" in config["sprite"]
    assert "expires=" in config["thumbnails"]


def test_a_file_without_previews_has_no_sprite_or_thumbnails_link(member):
    config = player_config(member.get(f"/watch/{film().pk}/"))

    assert config["sprite"] is None
    assert config["thumbnails"] is None


def test_a_link_renewal_signs_the_sprite_and_thumbnails_anew(member, with_previews, settings):
    settings.MEDIA_LINK_LIFETIME = 120

    body = member.get(f"/watch/{with_previews.pk}/link/").json()

    assert body["sprite"].startswith(f"/media/{with_previews.sprite.pk}/sprite.jpg?md5=")
    assert body["thumbnails"].startswith(f"/media/{with_previews.thumbnails.pk}/")
    assert "expires=" in body["sprite"]


def test_a_renewal_for_a_file_without_previews_says_so(member):
    body = member.get(f"/watch/{film().pk}/link/").json()

    assert body["sprite"] is None
    assert body["thumbnails"] is None


def test_the_linked_previews_are_ones_the_media_endpoint_serves_here(alpha, with_previews):
    visible = StoredObject.objects.visible_on(alpha).values_list("pk", flat=True)

    assert {with_previews.sprite_id, with_previews.thumbnails_id} <= set(visible)


# --- the next episode ----------------------------------------------------------------------


def test_the_next_episode_is_the_next_number_in_the_season(member):
    show = series("Dark", {1: [1, 2, 3]})

    config = player_config(member.get(f"/watch/{media_of(show, 1, 1).pk}/"))

    assert config["nextEpisode"] == {
        "url": f"/watch/{media_of(show, 1, 2).pk}/",
        "label": "S01E02 · Part 2",
    }


def test_after_a_seasons_last_episode_comes_the_first_of_the_next_season(member):
    # Season 2 has no episodes yet: the run goes on with season 3, numbered from 4.
    show = series("Dark", {1: [1, 2], 2: [], 3: [4, 5]})

    config = player_config(member.get(f"/watch/{media_of(show, 1, 2).pk}/"))

    assert config["nextEpisode"]["url"] == f"/watch/{media_of(show, 3, 4).pk}/"
    assert config["nextEpisode"]["label"] == "S03E04 · Part 4"


def test_an_episode_without_a_name_is_labelled_by_its_number(alpha):
    show = series("Dark", {1: [1, 2]})
    Episode.objects.filter(season__title=show, number=2).update(name="")

    following = next_episode_for(alpha, media_of(show, 1, 1))

    assert following is not None
    assert following.label == "S01E02"


def test_the_next_episode_starts_its_best_version(alpha):
    show = series("Dark", {1: [1, 2]})
    second = Episode.objects.get(season__title=show, number=2)
    MediaFile.objects.filter(episode=second).update(height=720)
    best = episode_file(second, height=1080)

    following = next_episode_for(alpha, media_of(show, 1, 1))

    assert following is not None
    assert following.media_id == best.pk


def test_the_last_episode_and_a_film_offer_no_next_episode(member):
    show = series("Dark", {1: [1, 2], 2: [1]})
    last = member.get(f"/watch/{media_of(show, 2, 1).pk}/")
    a_film = member.get(f"/watch/{film().pk}/")

    for response in (last, a_film):
        assert player_config(response)["nextEpisode"] is None
        assert 'id="player-next"' not in response.content.decode()


def test_the_page_of_an_episode_with_a_next_one_carries_the_countdown(member):
    show = series("Dark", {1: [1, 2]})

    page = member.get(f"/watch/{media_of(show, 1, 1).pk}/").content.decode()

    assert 'id="player-next"' in page
    assert "Next episode in" in page
    assert "S01E02 · Part 2" in page


def test_a_next_episode_without_a_file_is_not_offered(member):
    show = series("Dark", {1: [1, 2, 3]})
    MediaFile.objects.filter(episode__season__title=show, episode__number=2).delete()

    config = player_config(member.get(f"/watch/{media_of(show, 1, 1).pk}/"))

    # Episode 3 has a file, but jumping past episode 2 would skip part of the story.
    assert config["nextEpisode"] is None


def test_a_draft_series_offers_no_next_episode(alpha):
    show = series("Dark", {1: [1, 2]}, status=Title.Status.DRAFT)

    assert next_episode_for(alpha, media_of(show, 1, 1)) is None


def test_a_series_one_site_hid_offers_a_next_episode_only_on_the_other(alpha, beta):
    show = series("Dark", {1: [1, 2]})
    TitleHiding.objects.create(tenant=beta, title=show)
    first = media_of(show, 1, 1)

    assert next_episode_for(beta, first) is None
    assert next_episode_for(alpha, first) is not None


def test_an_inactive_site_offers_no_next_episode(alpha):
    show = series("Dark", {1: [1, 2]})
    alpha.is_active = False
    alpha.save(update_fields=["is_active"])

    assert next_episode_for(alpha, media_of(show, 1, 1)) is None


def test_another_series_episodes_are_never_next(alpha):
    show = series("Dark", {1: [1]})
    series("Other", {1: [2, 3], 2: [1]})

    assert next_episode_for(alpha, media_of(show, 1, 1)) is None


# --- queries -------------------------------------------------------------------------------


def queries_for(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context.captured_queries)


def test_an_episode_page_runs_as_many_queries_for_a_long_series_as_a_short_one(member):
    short = series("Short", {1: [1, 2]})
    long = series("Long", {number: list(range(1, 13)) for number in range(1, 6)})
    film_page = queries_for(member, f"/watch/{film().pk}/")

    short_page = queries_for(member, f"/watch/{media_of(short, 1, 1).pk}/")
    long_page = queries_for(member, f"/watch/{media_of(long, 3, 12).pk}/")

    assert long_page == short_page
    assert short_page == film_page + 1  # the next-episode lookup, one query


def test_previews_add_no_query_to_the_player_page(member, with_previews):
    without = queries_for(member, f"/watch/{film('Ronin').pk}/")

    assert queries_for(member, f"/watch/{with_previews.pk}/") == without
