"""The process step of a file whose video must be re-encoded: live as it is encoded.

While the final MP4 is made (at the lowest CPU priority), a supervisor thread runs the
progressive encoders (streaming/progressive/supervisor.py); the first stored segment makes
the title live through `go_live`, a callback of the process step that attaches a MediaFile
with no final file yet. When the final MP4 is stored it replaces the rendition; when the job
fails or is cancelled, what went live is taken down again.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import close_old_connections, connection, transaction

from stored_media.objects import delete_stored
from streaming.ingest import catalogue_link
from streaming.ingest.ffmpeg_run import StatsCallback
from streaming.ingest.media_plan import Plan, VideoStep
from streaming.ingest.playable import SegmentOutput
from streaming.ingest.probe import Probe
from streaming.models import MediaFile, ProgressiveRendition
from streaming.progressive import final_run
from streaming.progressive.cleanup import remove_rendition
from streaming.progressive.supervisor import SEGMENT_SECONDS, GoLive, Supervisor, WhileLive

logger = logging.getLogger(__name__)
FOLDER = "progressive"
FINAL_NICENESS = 19  # the viewers' encoders first; the final MP4 takes what CPU is left


def applies(plan: Plan, facts: Probe) -> bool:
    """Only a video re-encode is slow enough to need it (a remux is live in a second), and
    segments need a known duration."""
    return (
        settings.PROGRESSIVE_TRANSCODE
        and plan.video is VideoStep.ENCODE
        and bool(facts.duration)
        and facts.video is not None
    )


def media_facts(facts: Probe) -> dict:
    """What the version picker shows before the final file exists: the final's size (it is
    never scaled), H.264 and AAC, the source's languages; its bitrate is not known yet."""
    return {
        **catalogue_link.media_facts(facts, facts),
        "video_codec": "h264",
        "audio_codec": "aac" if facts.audio else "",
        "bitrate": None,
    }


@dataclass(frozen=True)
class Hooks:
    """What the process step does on the supervisor's thread: make the file live at the first
    segment, then something on each tick while it is live."""

    go_live: GoLive
    while_live: WhileLive | None = None


@contextmanager
def encoders_beside(
    source: Path, facts: Probe, plan: Plan, out: Path, stem: str, hooks: Hooks
) -> Iterator[Supervisor]:
    """Run the supervisor in a thread for as long as the block runs (the final encode)."""
    video = facts.video
    final = None
    if final_run.applies(plan, facts):
        final = final_run.FinalRun(out / FOLDER, video.height if video else 0, SEGMENT_SECONDS)
    supervisor = Supervisor(
        source=source,
        plan=plan,
        duration=float(facts.duration or 0),
        width=video.width if video else None,
        height=video.height if video else None,
        folder=out / FOLDER,
        stem=stem,
        go_live=hooks.go_live,
        while_live=hooks.while_live,
        final=final,
    )
    thread = threading.Thread(target=_supervise, args=(supervisor,), name="progressive")
    thread.start()
    try:
        yield supervisor
    finally:
        supervisor.stop()
        thread.join()


def _supervise(supervisor: Supervisor) -> None:
    close_old_connections()
    try:
        supervisor.run()
    finally:
        connection.close()  # this thread's own database connection


@contextmanager
def final_encode(
    supervisor: Supervisor, stats: StatsCallback | None
) -> Iterator[tuple[SegmentOutput | None, StatsCallback | None]]:
    """What the final encode writes beside its MP4 (segments, or None) and the stats
    callback it reports to, for as long as the block (the encode) runs."""
    final = supervisor.final
    if final is None:
        yield None, stats
        return
    final.begin()
    completed = False
    try:
        yield final.output, final.listening(stats)
        completed = True
    finally:
        final.end(completed)


def wait_before_final(supervisor: Supervisor) -> None:
    """PROGRESSIVE_FINAL_DELAY (tests, benches): hold the final encode back so the
    progressive phase can be watched; it ends early if the rendition is complete."""
    deadline = time.monotonic() + settings.PROGRESSIVE_FINAL_DELAY
    while time.monotonic() < deadline and not supervisor.stopping.is_set():
        if supervisor.rendition is not None and supervisor.complete:
            return
        time.sleep(0.2)


def take_down(media: MediaFile) -> None:
    """Remove a file that went live progressively and never got its final MP4 (the job
    failed, was cancelled, or starts again): rendition, subtitles, the row."""
    rendition = ProgressiveRendition.objects.filter(media_file=media).first()
    if rendition is not None:
        remove_rendition(rendition)
    subtitles = [sub.stored for sub in media.subtitles.select_related("stored")]
    with transaction.atomic():
        MediaFile.objects.filter(pk=media.pk, stored__isnull=True).delete()
        _drop_empty_skeleton(media)
    delete_stored(subtitles)


def _drop_empty_skeleton(media: MediaFile) -> None:
    """A title made from the file name for this file alone goes with it (as a failed job
    that never went live leaves none); one with metadata or other versions stays."""
    episode = media.episode
    if episode is not None and not episode.media_files.exists():
        season = episode.season
        episode.delete()
        if not season.episodes.exists():
            season.delete()
    title = media.title or (episode.season.title if episode else None)
    if title is None or not title.is_skeleton:
        return
    if not title.media_files.exists() and not title.seasons.exists():
        title.delete()
