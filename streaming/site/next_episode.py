"""What the player offers to play after an episode ends: the series' next episode, when this
site can play it. One query, however many seasons and episodes the series has."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import OuterRef, Q, Subquery
from django.urls import reverse

from streaming.models import Episode, MediaFile
from tenants.models import Tenant


@dataclass(frozen=True)
class NextEpisode:
    media_id: int
    label: str  # "S01E02 · Episode title"

    def as_config(self) -> dict[str, str]:
        return {"url": reverse("watch", args=[self.media_id]), "label": self.label}


def next_episode_for(tenant: Tenant, media: MediaFile) -> NextEpisode | None:
    """The episode after `media`'s (the next number in its season, else the first episode of
    the next season that has any), if it has a file `tenant` may play; None for a film, the
    last episode, or a next episode this site cannot play.

    `media` must come with its episode and season loaded (as `get_media_for` loads them).
    """
    episode = media.episode  # no query for a film's file: its episode_id is None
    if episode is None:
        return None
    season = episode.season
    # The version the title page's Play button would start.
    best_file = (
        MediaFile.objects.visible_on(tenant)
        .filter(episode=OuterRef("pk"))
        .best_first()
        .values("pk")[:1]
    )
    following = (
        Episode.objects.filter(season__title_id=season.title_id)
        .filter(
            Q(season__number=season.number, number__gt=episode.number)
            | Q(season__number__gt=season.number)
        )
        .select_related("season")
        .annotate(media_id=Subquery(best_file))
        .order_by("season__number", "number")
        .first()
    )
    # The next episode without a playable file ends the run: skipping over it would jump
    # the viewer past part of the story without a word.
    if following is None or following.media_id is None:
        return None
    return NextEpisode(media_id=following.media_id, label=episode_label(following))


def episode_label(episode: Episode) -> str:
    code = f"S{episode.season.number:02d}E{episode.number:02d}"
    return f"{code} · {episode.name}" if episode.name else code
