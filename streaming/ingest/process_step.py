"""The second step of a job: probe, make playable, extract subtitles and previews, store,
and attach to the catalogue.

Outputs are written in the job's `out` folder; nothing reaches viewers until `attach` links
the stored objects to a title in one transaction. If anything fails after some objects were
stored, they are deleted again (bytes and rows), so storage never keeps what no title uses.
"""

from __future__ import annotations

import logging
import shutil
import time
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path

from django.conf import settings
from django.core.files import File
from django.db import transaction

from ingest_core.errors import IngestError
from shadowvault.task_queues import enqueue
from stored_media.media_types import JPEG, VTT, kind_named
from stored_media.models import StoredObject
from stored_media.objects import delete_stored, fill_sha256, store_file
from stored_media.storage import get_backend
from streaming.ingest import artifacts, duplicates, progressive_step
from streaming.ingest.catalogue_link import (
    StoredOutputs,
    StoredSubtitle,
    add_subtitles,
    attach,
    media_facts,
    replace_progressive,
)
from streaming.ingest.errors import AlreadyInLibrary, ProcessingFailed
from streaming.ingest.faststart import is_faststart
from streaming.ingest.fetch_step import source_file
from streaming.ingest.media_plan import Action, AudioStep, Plan, VideoStep, plan_for
from streaming.ingest.playable import make_playable
from streaming.ingest.probe import Probe, probe
from streaming.ingest.progress import Reporter
from streaming.models import IngestJob, MediaFile, ProgressiveRendition

logger = logging.getLogger(__name__)
OUT_FOLDER = "out"


def process(job: IngestJob, reporter: Reporter) -> MediaFile:
    live = job.media_file  # None, without a query, while the job has no media_file_id
    if live is not None and live.stored_id is None:
        # An earlier attempt went live progressively and stopped before its final MP4.
        job.add_log("an earlier attempt left a progressive rendition: starting again")
        progressive_step.take_down(live)
        job.media_file = live = None
    if live is not None:
        # A rerun after a crash between going live and the job's end: the video is already
        # in the catalogue (its previews, if they were not attached yet, are lost).
        job.add_log("the video was already in the catalogue; nothing more to do")
        return live
    reporter.enter(IngestJob.State.PROBING)
    source = source_file(job)
    facts = probe(source)
    known = duplicates.source_for(source, facts)
    duplicates.remember(job, known)
    _refuse_a_copy(job, known)
    plan = plan_for(facts, is_faststart(source))
    for reason in plan.reasons:
        job.add_log(reason)
    out = job.work_dir / OUT_FOLDER
    shutil.rmtree(out, ignore_errors=True)  # a rerun after a crash starts this step afresh
    out.mkdir(parents=True)
    reporter.enter(IngestJob.State.PROCESSING)
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="ingest-extras") as pool:
        # Subtitles are read on the second core while ffmpeg remuxes; the video goes live
        # with them as soon as it is stored. Only then do the previews start (beside the
        # sha256 on this core): made during the remux they slowed it by a quarter, for the
        # viewer's wait (bench/ingest.py: playable after 1.16x ffmpeg alone, was 1.38x).
        # Jellyfin's trickplay and PeerTube's storyboards also come after the video.
        subtitles = pool.submit(artifacts.extract_subtitles, source, facts, out)
        if progressive_step.applies(plan, facts):
            media = _live_while_encoding(job, reporter, source, facts, plan, out, subtitles, known)
        else:
            video = make_playable(
                source, facts, plan, out, reporter.fraction, stats=reporter.ffmpeg_stats
            )
            media = _store_and_attach(job, reporter, video, facts, plan, subtitles, known)
        # A download kept as it is was moved into storage: the previews read it there.
        previews = pool.submit(_previews, _readable(source, media), facts, out)
        _after_live(job, media, previews, known, kept=plan.action is Action.KEEP)
    return media


def _store_and_attach(
    job: IngestJob, reporter, video: Path, facts: Probe, plan: Plan, subtitles, known
) -> MediaFile:
    result = _output_facts(facts, plan, video)
    reporter.enter(IngestJob.State.UPLOADING)
    facts_out = media_facts(result, facts)
    stored = _store_playable(job, reporter, video, plan.container, facts_out, subtitles)
    try:
        # Another job with the same content may have gone live while this one worked.
        _refuse_a_copy(job, known)
        media = attach(job, stored)
    except BaseException:
        delete_stored(stored.objects())
        raise
    _went_live(job, media)
    return media


def _live_while_encoding(
    job: IngestJob, reporter, source: Path, facts: Probe, plan: Plan, out: Path, subtitles, known
) -> MediaFile:
    """Progressive encoders beside the final encode: live at the first segment, the final
    MP4 replacing the rendition when stored (streaming/ingest/progressive_step.py)."""
    started = time.monotonic()

    def go_live(fields: dict) -> ProgressiveRendition:
        # On the supervisor's thread, inside its transaction, with the first segment.
        _refuse_a_copy(job, known)
        ready = subtitles.result() if subtitles.done() else []
        stored_subtitles = _store_subtitles(job, Path(source), ready)
        outputs = StoredOutputs(
            video=None,
            facts=progressive_step.media_facts(facts),
            subtitles=stored_subtitles,
            progressive=fields,
        )
        try:
            media = attach(job, outputs)
        except BaseException:
            delete_stored(outputs.objects())
            raise
        attached.extend(ready)
        _went_live(
            job,
            media,
            f"playable after {time.monotonic() - started:.1f} s as it is encoded "
            f"({fields['rung']}); the final MP4 follows",
        )
        return media.progressive

    def subtitles_when_ready(rendition: ProgressiveRendition) -> None:
        # On the supervisor's thread, each tick while live: subtitles of a big file can take
        # longer to read than the first segment to encode; they join as soon as they are
        # read. A failure is left for the final step, where it fails the job as it always has.
        if settled or not subtitles.done():
            return
        settled.append(True)
        if subtitles.exception() is None:
            later = [sub for sub in subtitles.result() if sub not in attached]
            add_subtitles(rendition.media_file, _store_subtitles(job, Path(source), later))
            attached.extend(later)

    attached: list = []
    settled: list = []
    stem = _stem(job, source)
    hooks = progressive_step.Hooks(go_live=go_live, while_live=subtitles_when_ready)
    try:
        with progressive_step.encoders_beside(source, facts, plan, out, stem, hooks) as sup:
            progressive_step.wait_before_final(sup)
            with progressive_step.final_encode(sup, reporter.ffmpeg_stats) as (segments, stats):
                video = make_playable(
                    source, facts, plan, out, reporter.fraction, stats=stats,
                    niceness=progressive_step.FINAL_NICENESS, segments=segments,
                )  # fmt: skip
        if sup.error:
            job.add_log(f"no progressive rendition: {sup.error}")
        rendition = sup.rendition
        if rendition is None:
            return _store_and_attach(job, reporter, video, facts, plan, subtitles, known)
        media = rendition.media_file
        reporter.enter(IngestJob.State.UPLOADING)
        facts_out = media_facts(_output_facts(facts, plan, video), facts)
        later = [sub for sub in subtitles.result() if sub not in attached]
        stored = _store_playable(job, reporter, video, plan.container, facts_out, None)
        stored.subtitles = _store_subtitles(job, video, later)
        try:
            replace_progressive(media, stored)
        except BaseException:
            delete_stored(stored.objects())
            raise
    except BaseException:
        if job.media_file is not None and job.media_file.stored_id is None:
            progressive_step.take_down(job.media_file)
            job.media_file = job.title = None
            job.save(update_fields=["media_file", "title", "updated_at"])
        raise
    job.add_log("the final MP4 replaced the progressive rendition")
    transaction.on_commit(
        lambda: enqueue(
            "streaming.tasks.remove_progressive",
            rendition.pk,
            delay=settings.PROGRESSIVE_KEEP_SECONDS,
        )
    )
    return media


def _refuse_a_copy(job: IngestJob, known: duplicates.Source) -> None:
    """End the job as a duplicate when the library has this content (unless the operator
    asked for a second copy)."""
    if job.keep_copy:
        return
    match = duplicates.find_copy(job, known)
    if match is not None:
        job.add_log(f"this content is already in the library ({match.how})")
        raise AlreadyInLibrary(match.media, duplicates.describe(match.media))


def _readable(source: Path, media: MediaFile) -> Path:
    """The source, or the stored video when the source was moved into storage."""
    if source.exists():
        return source
    stored = final_file(media)
    return get_backend(stored.backend).local_path(stored.key) or source


def final_file(media: MediaFile) -> StoredObject:
    """The stored video of a file past its progressive phase (every caller here is)."""
    if media.stored is None:
        raise ProcessingFailed(f"media file {media.pk} has no stored video yet")
    return media.stored


def _after_live(
    job: IngestJob, media: MediaFile, previews: Future, known: duplicates.Source, kept: bool
) -> None:
    """The hashes (on this core, while the previews finish on the other) and the previews.
    The video is live: nothing here may fail the job; the log says what went wrong."""
    try:
        fill_sha256(final_file(media))
        _remember_source_hash(job, media, known, kept)
    except Exception as error:
        logger.exception("ingest job %s: no sha256", job.pk)
        job.add_log(f"could not hash the stored video: {error}")
    try:
        _add_previews(job, media, previews)
    except Exception as error:
        logger.exception("ingest job %s: previews failed", job.pk)
        job.add_log(f"no seek previews: {error}")


def _remember_source_hash(
    job: IngestJob, media: MediaFile, known: duplicates.Source, kept: bool
) -> None:
    """The source's sha256, for recognising it next time: the stored video's own when it was
    kept as it is (a moved download is not read twice), else the source read again."""
    if kept and final_file(media).sha256:
        duplicates.remember_hash(job, final_file(media).sha256)
    elif known.hashed or known.path.exists():
        duplicates.remember_hash(job, known.sha256())


def _output_facts(source_facts: Probe, plan: Plan, video: Path) -> Probe:
    """What the output holds. A remux that copied every stream holds the source's streams,
    so only its size and bitrate differ (a second ffprobe of a big file costs a tenth of a
    second before the video can go live); anything re-encoded is probed."""
    if plan.action is Action.KEEP:
        return source_facts
    copied = plan.video is VideoStep.COPY and all(
        track.step is AudioStep.COPY for track in plan.audio_tracks
    )
    if not copied or not source_facts.duration:
        return probe(video)
    size = video.stat().st_size
    by_index = {a.index: a for a in source_facts.audio}
    audio = [by_index[track.index] for track in plan.audio_tracks]  # in the output's order
    return replace(
        source_facts,
        format_names=["mov", "mp4"],
        size=size,
        bitrate=round(size * 8 / source_facts.duration),
        audio=audio,
        subtitles=[],
    )


def _went_live(job: IngestJob, media: MediaFile, note: str = "") -> None:
    job.media_file = media
    job.title = media.owner_title
    job.save(update_fields=["media_file", "title", "updated_at"])
    job.add_log(note or "playable: the video and its subtitles are in the catalogue")


def _previews(source: Path, facts: Probe, out: Path) -> tuple:
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
    return sprite, poster, problems


def _stem(job: IngestJob, video: Path) -> str:
    return Path(job.source_name or video.name).stem[:120] or f"video-{job.pk}"


def _store_playable(
    job, reporter, video: Path, container: str, facts: dict, subtitles: Future | None
) -> StoredOutputs:
    """Store the video and its subtitles. The job's own output is moved, not copied, into
    local storage, and hashed after it went live (hashing 1 GB takes longer than remuxing it:
    OpenSSL's sha256 runs at about 1.5 GB/s on one core here). On any failure everything
    stored so far is deleted. `container` is the plan's ("mp4" or "webm"): what ffprobe found
    in a kept file or what ffmpeg wrote, never the source's suffix (a kept MP4 fetched as
    `film.html` is stored as `film.mp4`, served as video/mp4)."""
    backend = settings.MEDIA_STORAGE
    stem = _stem(job, video)
    created: list[StoredObject] = []
    try:
        owned = video.is_relative_to(job.work_dir)  # never move an operator's own file
        name = f"{stem}{kind_named(container).suffix}"
        created.append(
            store_file(
                video, name, backend, reporter.bytes, move=owned, hash_later=True, kind=container
            )
        )
        outputs = StoredOutputs(video=created[0], facts=facts)
        if subtitles is not None:
            outputs.subtitles = _store_subtitles(job, video, subtitles.result())
    except BaseException:
        delete_stored(created)
        raise
    return outputs


def _store_subtitles(job: IngestJob, video: Path, subtitles: list) -> list[StoredSubtitle]:
    """Store WebVTT files made by artifacts.extract_subtitles; all or none."""
    backend = settings.MEDIA_STORAGE
    stem = _stem(job, video)
    stored: list[StoredSubtitle] = []
    try:
        for sub in subtitles:
            sub_name = f"{stem}.{sub.language or 'und'}.vtt"
            obj = store_file(sub.path, sub_name, backend, kind=VTT.name)
            facts = (sub.language, sub.label, sub.is_default, sub.is_forced)
            stored.append(StoredSubtitle(obj, *facts))
    except BaseException:
        delete_stored([sub.stored for sub in stored])
        raise
    return stored


def _add_previews(job: IngestJob, media: MediaFile, previews: Future) -> None:
    """Attach the seek previews and the poster frame to the live video. They are extras:
    when they fail, the job still succeeds and its log says why."""
    sprite, poster, problems = previews.result()
    for problem in problems:
        job.add_log(problem)
    if sprite is not None:
        _attach_sprite(job, media, sprite)
    _set_poster(job, media, poster)


def _attach_sprite(job: IngestJob, media: MediaFile, sprite: artifacts.Sprite) -> None:
    backend = settings.MEDIA_STORAGE
    created: list[StoredObject] = []
    try:
        created.append(store_file(sprite.image, "sprite.jpg", backend, move=True, kind=JPEG.name))
        vtt_name = f"{_stem(job, Path(final_file(media).filename))}.thumbnails.vtt"
        created.append(store_file(sprite.vtt, vtt_name, backend, move=True, kind=VTT.name))
        media.sprite, media.thumbnails = created
        media.save(update_fields=["sprite", "thumbnails"])
    except Exception as error:
        delete_stored(created)
        media.sprite = media.thumbnails = None
        logger.exception("could not store the seek previews of media file %s", media.pk)
        job.add_log(f"no seek previews: could not store them ({error})")


def _set_poster(job: IngestJob, media: MediaFile, poster: Path | None) -> None:
    title = media.owner_title
    if poster is None or title.poster:
        return
    with poster.open("rb") as handle:
        title.poster.save(f"{title.slug}-frame.jpg", File(handle), save=False)
    title.save(update_fields=["poster", "updated_at"])
    job.add_log("poster taken from a frame of the video")
