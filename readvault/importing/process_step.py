"""The second step of a job: check, prepare, store and catalogue one chapter.

Checking: the source's sha256, so an archive the library has ends the job before any work.
Preparing (`readvault.archives.prepare_chapter`): every page read and checked, the archive
kept byte for byte when readers can range-read it, else converted to such a CBZ; the job
shows the pages read as they are (pages/s, ETA). Storing:
the CBZ on the configured backend (MEDIA_STORAGE, as video). Cataloguing
(`readvault.importing.catalogue`): one transaction. Nothing reaches readers before it
commits; if it fails, the stored archive is deleted again (bytes and row).
"""

from __future__ import annotations

import logging
import shutil
import time
from pathlib import Path

from django.conf import settings

from readvault.archives import PreparedChapter, prepare_chapter
from readvault.archives.errors import ArchiveRejected
from readvault.importing import duplicates
from readvault.importing.catalogue import catalogue, refuse_taken_number
from readvault.importing.errors import ChapterRejected
from readvault.importing.placement import Place, place_for
from readvault.importing.progress import Reporter
from readvault.importing.sources import source_path
from readvault.models import Chapter, ImportJob
from readvault.models.library import format_number
from stored_media.media_types import CBZ
from stored_media.models import StoredObject
from stored_media.objects import delete_stored, store_file
from stored_media.storage.hashing import file_sha256

logger = logging.getLogger(__name__)
OUT_FOLDER = "out"


def process(job: ImportJob, reporter: Reporter) -> Chapter:
    if job.chapter is not None:
        # A rerun after a crash between the catalogue's commit and the job's end.
        job.add_log("the chapter was already in the library; nothing more to do")
        return job.chapter
    prepared, place, digest = _checked_chapter(job, reporter)
    reporter.enter(ImportJob.State.UPLOADING)
    archive = _store(job, prepared, place, digest, reporter)
    try:
        # Another job may have added this archive while this one worked.
        duplicates.refuse_a_copy(job, digest)
        chapter = catalogue(job, prepared, place, archive)
    except BaseException:
        delete_stored([archive])
        raise
    # Recorded at once: a worker lost before the job's end finds, run again, that its
    # chapter is in the library.
    job.chapter, job.series = chapter, chapter.series
    job.save(update_fields=["chapter", "series", "updated_at"])
    job.add_log(f"in the library: {chapter.series.title}, {chapter.label}")
    return chapter


def _checked_chapter(job: ImportJob, reporter: Reporter) -> tuple[PreparedChapter, Place, str]:
    """The prepared chapter, where it goes and its archive's sha256, once it is known that
    the library has neither this archive nor this chapter number: a clash stores nothing."""
    reporter.enter(ImportJob.State.PROBING)
    source = source_path(job)
    _remember_source_hash(job, source)
    duplicates.refuse_a_copy(job, job.source_sha256)
    reporter.enter(ImportJob.State.PROCESSING)
    prepared = _prepare(job, source, reporter)
    place = place_for(job, prepared.comicinfo)
    digest = _archive_hash(job, prepared)
    duplicates.refuse_a_copy(job, digest)
    refuse_taken_number(job, place)
    return prepared, place, digest


def _remember_source_hash(job: ImportJob, source: Path) -> None:
    """A file's sha256, to recognise it next time (a folder has none of its own)."""
    if job.source_sha256 or not source.is_file():
        return
    _size, job.source_sha256 = file_sha256(source)
    job.save(update_fields=["source_sha256", "updated_at"])


def _prepare(job: ImportJob, source: Path, reporter: Reporter) -> PreparedChapter:
    """Read and check every page into the job's `out` folder (afresh: a rerun after a crash
    starts this step again)."""
    out = job.work_dir / OUT_FOLDER
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    started = time.monotonic()
    try:
        prepared = prepare_chapter(source, out, progress=reporter.pages)
    except ArchiveRejected as rejected:
        raise ChapterRejected(rejected.reason) from None
    reporter.pages_read(len(prepared.pages), time.monotonic() - started)
    job.add_log(_prepared_line(prepared))
    for note in prepared.notes:
        job.add_log(note)
    return prepared


def _prepared_line(prepared: PreparedChapter) -> str:
    how = "kept as it is" if prepared.kept_as_is else f"converted from {prepared.source_format}"
    return f"{len(prepared.pages)} pages read; the archive is {how}"


def _archive_hash(job: ImportJob, prepared: PreparedChapter) -> str:
    """The sha256 of the CBZ that will be stored: the source's own when it is kept."""
    if prepared.kept_as_is and job.source_sha256:
        return job.source_sha256
    return file_sha256(prepared.cbz_path)[1]


def _store(
    job: ImportJob, prepared: PreparedChapter, place: Place, digest: str, reporter: Reporter
) -> StoredObject:
    """Store the CBZ on the configured backend. The job's own file is moved, not copied,
    into local storage, and not read again for its sha256: `digest` is that file's, already
    read (an operator's file is never moved; its copy is hashed as it is written)."""
    owned = prepared.cbz_path.resolve().is_relative_to(job.work_dir.resolve())
    archive = store_file(
        prepared.cbz_path,
        _archive_name(place, job),
        settings.MEDIA_STORAGE,
        reporter.bytes,
        move=owned,
        hash_later=owned,
        kind=CBZ.name,
    )
    if not archive.sha256:
        archive.sha256 = digest
        StoredObject.objects.filter(pk=archive.pk).update(sha256=digest)
    return archive


def _archive_name(place: Place, job: ImportJob) -> str:
    parts = [place.series]
    if place.volume is not None:
        parts.append(f"v{place.volume:02d}")
    if place.number is not None:
        parts.append(f"c{format_number(place.number)}")
    if len(parts) == 1:
        parts.append(Path(job.source_name or job.source).stem)
    return " ".join(parts)[:150] + CBZ.suffix
