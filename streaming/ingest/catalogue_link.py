"""Where an ingested file goes in the catalogue: the title (or episode) its name points to.

The seed's rule: never lose a file because metadata lookup failed. guessit reads the name;
an existing film or series with that name (and year, when the name has one) gets the new
version, otherwise a skeleton title is made from the name alone, and TMDB, when configured,
fills it in later (a failure there only leaves a note on the title).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction

from shadowvault import stored_settings
from shadowvault.task_queues import enqueue
from stored_media.models import StoredObject
from streaming.ingest.probe import Probe
from streaming.metadata.apply import apply_details
from streaming.metadata.base import FILM, Details, EpisodeInfo
from streaming.metadata.skeleton import skeleton_from_filename
from streaming.models import (
    Episode,
    IngestJob,
    MediaFile,
    ProgressiveRendition,
    Season,
    Subtitle,
    Title,
)
from streaming.progressive.states import mark_replaced


@dataclass
class StoredSubtitle:
    stored: StoredObject
    language: str
    label: str = ""
    is_default: bool = False
    is_forced: bool = False


@dataclass
class StoredOutputs:
    """Everything a job put in storage, waiting to be attached in one transaction."""

    video: StoredObject | None  # None: only a progressive rendition so far
    facts: dict
    subtitles: list[StoredSubtitle] = field(default_factory=list)
    sprite: StoredObject | None = None
    thumbnails: StoredObject | None = None
    progressive: dict | None = None  # a ProgressiveRendition's fields, made with the file

    def objects(self) -> list[StoredObject]:
        extra = [self.sprite, self.thumbnails, *(sub.stored for sub in self.subtitles)]
        return [obj for obj in (self.video, *extra) if obj is not None]


def attach(job: IngestJob, outputs: StoredOutputs) -> MediaFile:
    """Make the stored outputs one new version of the right film or episode, all at once:
    viewers see either nothing or the whole thing."""
    with transaction.atomic():
        title, episode = _owner(job)
        media = MediaFile.objects.create(
            title=None if episode else title,
            episode=episode,
            stored=outputs.video,
            sprite=outputs.sprite,
            thumbnails=outputs.thumbnails,
            **outputs.facts,
        )
        if outputs.progressive is not None:
            ProgressiveRendition.objects.create(media_file=media, **outputs.progressive)
        add_subtitles(media, outputs.subtitles)
        if job.publish and title.status != Title.Status.PUBLISHED:
            title.status = Title.Status.PUBLISHED
            title.save(update_fields=["status", "updated_at"])
    if title.is_skeleton and stored_settings.tmdb_api_key():  # Admin → Settings or the env
        # By name: the tasks module imports the pipeline, which imports this module.
        transaction.on_commit(lambda: enqueue("streaming.tasks.refresh_metadata", title.pk))
    return media


def add_subtitles(media: MediaFile, subtitles: list[StoredSubtitle]) -> None:
    Subtitle.objects.bulk_create(
        Subtitle(
            media_file=media,
            stored=sub.stored,
            language=sub.language or "und",
            label=sub.label[:60],
            is_default=sub.is_default,
            is_forced=sub.is_forced,
        )
        for sub in subtitles
    )


def replace_progressive(media: MediaFile, outputs: StoredOutputs) -> None:
    """The final MP4 takes over from the progressive rendition, in one transaction: the
    file's facts become the final's, the subtitles not attached yet are added, and the
    rendition is marked replaced (players move to the MP4 at their next poll)."""
    media.stored = outputs.video
    for name, value in outputs.facts.items():
        setattr(media, name, value)
    with transaction.atomic():
        media.save(update_fields=["stored", *outputs.facts])
        add_subtitles(media, outputs.subtitles)
        mark_replaced(media.pk)


def _owner(job: IngestJob) -> tuple[Title, Episode | None]:
    details = skeleton_from_filename(job.source_name or job.source)
    if job.target_title is not None:
        title = job.target_title
    else:
        title = _find_title(details) or apply_details(Title(kind=_kind(details)), details)
    if title.kind == Title.Kind.FILM or not details.seasons or not details.seasons[0].episodes:
        return title, None
    season_info = details.seasons[0]
    season, _ = Season.objects.get_or_create(title=title, number=season_info.number)
    info = season_info.episodes[0]
    episode, _ = Episode.objects.get_or_create(
        season=season, number=info.number, defaults={"name": episode_name(info)}
    )
    # A new skeleton's episodes come from the name without a default; an episode first seen
    # without its title gets the one a later file gives it. A name from TMDB stays.
    if not episode.name or (info.name and episode.name == f"Episode {info.number}"):
        episode.name = episode_name(info)
        episode.save(update_fields=["name"])
    return title, episode


def episode_name(info: EpisodeInfo) -> str:
    """The episode's title from the file name when guessit found one, else "Episode 3"."""
    return (info.name or f"Episode {info.number}")[:300]


def _kind(details: Details) -> str:
    return Title.Kind.FILM if details.kind == FILM else Title.Kind.SERIES


def _find_title(details: Details) -> Title | None:
    matches = Title.objects.filter(kind=_kind(details), title__iexact=details.title)
    if details.year:
        matches = matches.filter(year=details.year)
    return matches.order_by("pk").first()


def media_facts(result: Probe, source: Probe) -> dict:
    """What viewers' version pickers show: the output's own streams, and the languages of
    the source (the output keeps every audio track; subtitles became WebVTT files)."""
    video = result.video
    return {
        "quality_label": quality_label(video.height if video else None),
        "duration_seconds": result.duration,
        "width": video.width if video else None,
        "height": video.height if video else None,
        "video_codec": video.codec if video else "",
        "audio_codec": result.audio[0].codec if result.audio else "",
        "bitrate": result.bitrate,
        "audio_languages": [a.language for a in source.audio if a.language],
        "subtitle_languages": [s.language for s in source.subtitles if s.language and s.is_text],
    }


def quality_label(height: int | None) -> str:
    if not height:
        return ""
    for minimum, label in ((2000, "4K"), (1400, "1440p"), (1000, "1080p"), (700, "720p")):
        if height >= minimum:
            return label
    return f"{height}p"
