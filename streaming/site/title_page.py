"""Everything a title page shows, loaded in a fixed number of queries however big the title
(seasons, episodes, versions, cast, comments) or the catalogue grows."""

from __future__ import annotations

from dataclasses import dataclass

from streaming.models import Comment, Credit, Genre, MediaFile, Season, Title, WatchlistEntry
from streaming.site import access
from streaming.site.quality_cap import height_rule
from streaming.viewer.comments import thread

COMMENTS_SHOWN = 50  # the latest top-level comments; older ones wait for a "more" link
CAST_SHOWN = 12


@dataclass
class TitlePage:
    genres: list[Genre]
    versions: list[MediaFile]
    seasons: list[Season]
    cast: list[Credit]
    comments: list[Comment]  # oldest first, each with its replies prefetched
    on_watchlist: bool
    listed_minutes: int | None = None  # the catalogue's runtime, from metadata

    @property
    def running_seconds(self) -> float | None:
        """How long a film runs: its file's measured duration when there is one (metadata
        rounds a 10 s clip up to "1 min"), else the catalogue's runtime."""
        measured = next((m.duration_seconds for m in self.versions if m.duration_seconds), None)
        if measured:
            return measured
        return self.listed_minutes * 60 if self.listed_minutes else None

    @property
    def play_media(self) -> MediaFile | None:
        """What the big Play button starts: the best version of a film, or the first
        episode with a file (specials, season 0, are not where a series starts); versions
        come best first (MediaFile.objects.best_first)."""
        if self.versions:
            return self.versions[0]
        for season in self.seasons:
            if season.number == 0:
                continue
            for episode in season.episodes.all():
                if files := episode.media_files.all():
                    return files[0]
        return None


def load_title_page(tenant, title: Title, member=None, max_height: int | None = None) -> TitlePage:
    """`member`: the signed-in member of `tenant`, or None for a visitor; versions taller
    than `max_height` (the viewer's plan, tenants.entitlements) are not offered."""
    latest = thread(tenant, title).order_by("-created_at", "-pk")[:COMMENTS_SHOWN]
    watchlist = WatchlistEntry.objects.for_tenant(tenant).filter(user=member, title=title)
    return TitlePage(
        genres=list(title.genres.all()),
        versions=list(access.versions().filter(height_rule(max_height), title=title)),
        seasons=list(access.seasons_of(title)),
        cast=list(
            Credit.objects.filter(title=title, role=Credit.Role.CAST).select_related("person")[
                :CAST_SHOWN
            ]
        ),
        comments=list(reversed(list(latest))),
        on_watchlist=member is not None and watchlist.exists(),
        listed_minutes=title.runtime_minutes,
    )
