"""The second step of a job: probe, make playable, extract subtitles and previews, store,
and attach to the catalogue.

Outputs are written in the job's `out` folder; nothing reaches viewers until `attach` links
the stored objects to a title in one transaction. If anything fails after some objects were
stored, they are deleted again (bytes and rows), so storage never keeps what no title uses.
"""

from __future__ import annotations

import logging
import shutil
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

from django.conf import settings
from django.core.files import File

from streaming.ingest import artifacts
from streaming.ingest.catalogue_link import StoredOutputs, StoredSubtitle, attach, quality_label
from streaming.ingest.errors import IngestError
from streaming.ingest.faststart import is_faststart
from streaming.ingest.fetch_step import source_file
from streaming.ingest.media_plan import plan_for
from streaming.ingest.playable import make_playable
from streaming.ingest.probe import Probe, probe
from streaming.ingest.progress import Reporter
from streaming.models import IngestJob, MediaFile, StoredObject
from streaming.storage import get_backend
from streaming.storing import store_file

logger = logging.getLogger(__name__)
OUT_FOLDER = "out"


def process(job: IngestJob, reporter: Reporter) -> MediaFile:
    reporter.enter(IngestJob.State.PROBING)
    source = source_file(job)
    facts = probe(source)
    plan = plan_for(facts, is_faststart(source))
    for reason in plan.reasons:
        job.add_log(reason)
    out = job.work_dir / OUT_FOLDER
    shutil.rmtree(out, ignore_errors=True)  # a rerun after a crash starts this step afresh
    out.mkdir(parents=True)
    reporter.enter(IngestJob.State.PROCESSING)
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="ingest-extras") as pool:
        # The previews and subtitles read the source while ffmpeg remuxes it (2 cores).
        extras = pool.submit(_extras, source, facts, out)
        video = make_playable(source, facts, plan, out, reporter.fraction)
        subtitles, sprite, poster = _collect(job, extras)
    result = facts if video == source else probe(video)
    reporter.enter(IngestJob.State.UPLOADING)
    stored = _store_all(job, reporter, video, _media_facts(result, facts), subtitles, sprite)
    try:
        media = attach(job, stored)
    except Exception:
        _delete(stored.objects())
        raise
    _set_poster(job, media, poster)
    return media


def _extras(source: Path, facts: Probe, out: Path) -> tuple:
    subtitles = artifacts.extract_subtitles(source, facts, out)
    sprite = poster = None
    problems = []
    try:
        sprite = artifacts.thumbnail_sprite(source, facts.duration, out)
    except IngestError as error:
        problems.append(f"no seek previews: {error}")
    try:
        poster = artifacts.poster_frame(source, facts.duration, out)
    except IngestError as error:
        problems.append(f"no poster frame: {error}")
    return subtitles, sprite, poster, problems


def _collect(job: IngestJob, extras: Future) -> tuple:
    subtitles, sprite, poster, problems = extras.result()
    for problem in problems:
        job.add_log(problem)
    return subtitles, sprite, poster


def _store_all(job, reporter, video: Path, facts: dict, subtitles, sprite) -> StoredOutputs:
    backend = settings.MEDIA_STORAGE
    stem = Path(job.source_name or video.name).stem[:120] or f"video-{job.pk}"
    created: list[StoredObject] = []

    def keep(path: Path, name: str, progress=None) -> StoredObject:
        created.append(store_file(path, name, backend, progress))
        return created[-1]

    try:
        main = keep(video, f"{stem}{video.suffix or '.mp4'}", reporter.bytes)
        outputs = StoredOutputs(video=main, facts=facts)
        for sub in subtitles:
            outputs.subtitles.append(
                StoredSubtitle(
                    keep(sub.path, f"{stem}.{sub.language or 'und'}.vtt"),
                    sub.language,
                    sub.label,
                    sub.is_default,
                    sub.is_forced,
                )
            )
        if sprite is not None:
            outputs.sprite = keep(sprite.image, "sprite.jpg")
            outputs.thumbnails = keep(sprite.vtt, f"{stem}.thumbnails.vtt")
    except BaseException:
        _delete(created)
        raise
    return outputs


def _media_facts(result: Probe, source: Probe) -> dict:
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


def _delete(objects: list[StoredObject]) -> None:
    for obj in objects:
        try:
            get_backend(obj.backend).delete(obj.key, obj.part_list)
        except Exception:
            logger.exception("could not delete stored object %s after a failed ingest", obj.pk)
        obj.delete()


def _set_poster(job: IngestJob, media: MediaFile, poster: Path | None) -> None:
    title = media.title or media.episode.season.title
    if poster is None or title.poster:
        return
    with poster.open("rb") as handle:
        title.poster.save(f"{title.slug}-frame.jpg", File(handle), save=False)
    title.save(update_fields=["poster", "updated_at"])
    job.add_log("poster taken from a frame of the video")
