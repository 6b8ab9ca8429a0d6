"""Protocol v3's JSON objects from catalogue rows, as pure functions: no query, no request.
`absolute` turns a site path into a full URL (Stremio fetches from anywhere, so every URL
it gets is absolute); links to media come in already signed.

The shapes follow the addon protocol (stremio-addon-sdk's docs/api/responses): a catalog's
items are "meta previews", a meta request answers one full meta with `videos` for a series,
streams name their quality, subtitles carry an id, a URL and an ISO 639-2 language.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import UTC, datetime, time
from typing import Any

from streaming.ingest.probe import LANGUAGES
from streaming.models import Episode, Genre, MediaFile, Season, Subtitle, Title
from stremio.ids import ID_PREFIXES, item_id, video_id

Absolute = Callable[[str], str]
Json = dict[str, Any]

ADDON_VERSION = "1.0.0"  # semver, as the manifest requires; raise it when the routes change
CATALOGS = (("movie", "films", "Films"), ("series", "series", "Series"))
# Stremio names languages by ISO 639-2; the catalogue keeps BCP 47 tags (pt-BR). The first
# three-letter code the probe's table gives for each two-letter one.
ALPHA3 = {two: code for code, (two, _) in reversed(list(LANGUAGES.items()))}
# Stremio's web player plays what a browser plays: MP4 with H.264 (or unknown) video.
WEB_READY_CODECS = {"", "h264"}


def addon_id(hostname: str) -> str:
    """The manifest's id: the site's primary hostname reversed (films.example.com ->
    com.example.films.shadowvault), the same on every install of that site's addon."""
    labels = [label for label in hostname.lower().split(".") if label]
    return ".".join([*reversed(labels), "shadowvault"])


def manifest(
    *, hostname: str, name: str, description: str, logo: str, genres: Iterable[Genre]
) -> Json:
    options = [genre.name for genre in genres]
    extra = [
        {"name": "search", "isRequired": False},
        {"name": "genre", "isRequired": False, "options": options},
        {"name": "skip", "isRequired": False},
    ]
    return {
        "id": addon_id(hostname),
        "version": ADDON_VERSION,
        "name": name,
        "description": description,
        "logo": logo,
        "resources": ["catalog", "meta", "stream", "subtitles"],
        "types": ["movie", "series"],
        "idPrefixes": list(ID_PREFIXES),
        "catalogs": [
            {
                "type": stremio_type,
                "id": catalog_id,
                "name": label,
                "extra": extra,
                # Older Stremio apps read the extras' names from here.
                "extraSupported": ["search", "genre", "skip"],
            }
            for stremio_type, catalog_id, label in CATALOGS
        ],
        "behaviorHints": {"configurable": False, "configurationRequired": False},
    }


def meta_preview(title: Title, stremio_type: str, absolute: Absolute) -> Json:
    """A catalog's item: what a poster card needs. `title.genres` prefetched."""
    preview: Json = {
        "id": item_id(title.imdb_id, title.pk),
        "type": stremio_type,
        "name": title.title,
        "posterShape": "poster",
        "genres": [genre.name for genre in title.genres.all()],
    }
    if title.poster:
        preview["poster"] = absolute(title.poster.url)
    if title.backdrop:
        preview["background"] = absolute(title.backdrop.url)
    if title.overview:
        preview["description"] = title.overview
    if title.year:
        preview["releaseInfo"] = str(title.year)
    return preview


def meta(
    title: Title, stremio_type: str, absolute: Absolute, seasons: Iterable[Season] = ()
) -> Json:
    """The detail page's item; a series lists its episodes that have a version as `videos`
    (`seasons` from stremio.library.seasons_for)."""
    full = meta_preview(title, stremio_type, absolute)
    if title.runtime_minutes:
        full["runtime"] = f"{title.runtime_minutes} min"
    if stremio_type == "series":
        thumbnail = full.get("background") or full.get("poster")
        full["videos"] = [
            _video(full["id"], season, episode, thumbnail)
            for season in seasons
            for episode in season.episodes.all()
            if episode.media_files.all()
        ]
    else:
        # One video, the film itself: Stremio goes straight to its streams.
        full["behaviorHints"] = {"defaultVideoId": full["id"]}
    return full


def _video(item: str, season: Season, episode: Episode, thumbnail: str | None) -> Json:
    video: Json = {
        "id": video_id(item, season.number, episode.number),
        "title": episode.name or f"Episode {episode.number}",
        "season": season.number,
        "episode": episode.number,
        "released": _released(episode),
    }
    if episode.overview:
        video["overview"] = episode.overview
    if thumbnail:
        video["thumbnail"] = thumbnail
    return video


def _released(episode: Episode) -> str:
    """ISO 8601, which the protocol requires of every video: the air date, else when its
    first version arrived (the episode's versions are prefetched)."""
    if episode.air_date is not None:
        moment = datetime.combine(episode.air_date, time(), tzinfo=UTC)
    else:
        moment = min(media.created_at for media in episode.media_files.all())
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def quality(media: MediaFile) -> str:
    if media.quality_label:
        return media.quality_label
    return f"{media.height}p" if media.height else "Original"


def stream(media: MediaFile, *, site_name: str, url: str, binge_group: str, label: str) -> Json:
    """One version as a stream: `url` its signed link, `label` what plays (the film or the
    episode), `binge_group` the same for every episode of a series in this quality, so
    Stremio plays the next one in it."""
    stored = media.stored
    if stored is None:  # stremio.library.playable_versions leaves such files out
        raise ValueError(f"Media file {media.pk} has no stored file to stream.")
    hints: Json = {
        "bingeGroup": binge_group,
        "videoSize": stored.size,
        "filename": stored.display_name,
    }
    if not _web_ready(media):
        hints["notWebReady"] = True  # the protocol: set only when true
    return {
        "url": url,
        "name": f"{site_name} {quality(media)}",
        "title": " · ".join(filter(None, [label, _facts(media)])),
        "behaviorHints": hints,
    }


def _facts(media: MediaFile) -> str:
    codecs = "/".join(filter(None, [media.video_codec, media.audio_codec]))
    size = media.stored.size if media.stored else 0
    return " · ".join(filter(None, [codecs, f"{size / 2**30:.2f} GB" if size else ""]))


def _web_ready(media: MediaFile) -> bool:
    stored = media.stored
    return (
        stored is not None
        and stored.content_type == "video/mp4"
        and media.video_codec.lower() in WEB_READY_CODECS
    )


def subtitle(track: Subtitle, url: str) -> Json:
    return {"id": str(track.pk), "url": url, "lang": language(track.language)}


def language(tag: str) -> str:
    """The ISO 639-2 code for a BCP 47 tag's language ("pt-BR" -> "por"), or the tag."""
    primary = tag.split("-")[0].lower()
    return ALPHA3.get(primary, primary if len(primary) == 3 else tag)
