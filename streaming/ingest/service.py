"""How every way in (admin, upload, folder import, `ingest` command, API, Telegram bot)
submits work: these functions check the input, create the jobs and queue their first step
once the transaction commits. Bad input is refused here, with the reason, before any job
exists: a URL the SSRF guard refuses, a path outside the import folder, an empty upload.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterable
from pathlib import Path

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from ingest_core import lifecycle, submission
from ingest_core.errors import SourceRefused
from streaming.ingest.fetch_step import source_folder
from streaming.ingest.queueing import queue_job
from streaming.models import IngestJob, Title

VIDEO_SUFFIXES = {
    ".mp4", ".m4v", ".mkv", ".webm", ".mov", ".avi", ".ts", ".m2ts", ".mpg", ".mpeg",
    ".wmv", ".flv", ".ogv", ".3gp",
}  # fmt: skip
Queue = Callable[[IngestJob], None]


def submit_urls(
    urls: Iterable[str],
    *,
    tenant,
    requested_by=None,
    via: str,
    publish: bool = True,
    target_title: Title | None = None,
    queue: Queue | None = None,
    keep_copy: bool = False,
) -> list[IngestJob]:
    """One job per URL. Every URL is checked first: one bad URL refuses the whole batch,
    naming it, so a paste is never half-submitted."""
    cleaned = submission.checked_urls(urls)
    return _create(
        [(url, IngestJob.SourceKind.URL, "") for url in cleaned],
        tenant=tenant,
        requested_by=requested_by,
        via=via,
        publish=publish,
        target_title=target_title,
        queue=queue,
        keep_copy=keep_copy,
    )


def submit_paths(
    paths: Iterable[str | Path],
    *,
    tenant,
    requested_by=None,
    via: str,
    publish: bool = True,
    within: Path | None = None,
    queue: Queue | None = None,
    keep_copy: bool = False,
) -> list[IngestJob]:
    """One job per video file; a folder stands for the video files under it. With `within`
    (the admin's import folder), nothing outside that folder is accepted, symlinks included."""
    files: list[Path] = []
    for path in paths:
        files.extend(_video_files(submission.checked_path(Path(path), within)))
    if not files:
        raise SourceRefused("no video files found (looked for " + _suffix_list() + ")")
    return _create(
        [(str(f), IngestJob.SourceKind.FILE, f.name) for f in files],
        tenant=tenant,
        requested_by=requested_by,
        via=via,
        publish=publish,
        queue=queue,
        keep_copy=keep_copy,
    )


def submit_upload(
    upload: UploadedFile,
    *,
    tenant,
    requested_by=None,
    publish: bool = True,
    target_title: Title | None = None,
    queue: Queue | None = None,
    keep_copy: bool = False,
) -> IngestJob:
    """Keep the uploaded file in the new job's folder and queue it."""

    def write(target: Path) -> None:
        with target.open("wb") as handle:
            for chunk in upload.chunks():
                handle.write(chunk)

    return _upload_job(
        upload.name,
        upload.size,
        write,
        tenant=tenant,
        requested_by=requested_by,
        publish=publish,
        target_title=target_title,
        queue=queue,
        keep_copy=keep_copy,
    )


def submit_received_file(
    path: Path,
    name: str,
    *,
    tenant,
    requested_by=None,
    publish: bool = True,
    queue: Queue | None = None,
    keep_copy: bool = False,
) -> IngestJob:
    """A file received in chunks (the admin's resumable uploads, streaming/uploads) as an
    upload job: moved into the job's folder, not copied (it may be a 4 GB film)."""
    return _upload_job(
        name,
        path.stat().st_size,
        lambda target: shutil.move(path, target),
        tenant=tenant,
        requested_by=requested_by,
        publish=publish,
        queue=queue,
        keep_copy=keep_copy,
    )


def _upload_job(
    name: str | None,
    size: int | None,
    write: Callable[[Path], object],
    *,
    tenant,
    requested_by,
    publish: bool,
    queue: Queue | None,
    keep_copy: bool,
    target_title: Title | None = None,
) -> IngestJob:
    """An upload job whose source `write` puts into the job's folder; a failed write leaves
    no job and no folder behind."""
    name = Path(name or "upload").name[:200]
    if not size:
        raise SourceRefused("the uploaded file is empty")
    if size > settings.INGEST_MAX_BYTES:
        raise SourceRefused(f"the file is larger than the {settings.INGEST_MAX_BYTES:,} byte cap")
    with transaction.atomic():
        job = IngestJob.objects.create(
            tenant=tenant,
            requested_by=requested_by,
            via="upload",
            source=name,
            source_kind=IngestJob.SourceKind.UPLOAD,
            source_name=name,
            publish=publish,
            target_title=target_title,
            keep_copy=keep_copy,
        )
        folder = source_folder(job)
        folder.mkdir(parents=True, exist_ok=True)
        try:
            write(folder / submission.safe_name(name))
        except OSError as error:
            shutil.rmtree(job.work_dir, ignore_errors=True)
            raise SourceRefused(f"could not keep the upload: {error.strerror}") from error
        transaction.on_commit(lambda: (queue or queue_job)(job))
    return job


import_root = submission.import_root
import_folders = submission.import_folders
cancel = submission.cancel


def retry(job: IngestJob, queue: Queue | None = None) -> IngestJob:
    """A failed or cancelled job as a new job with the same source (the old one stays as
    the record of what went wrong). Uploads cannot be retried: their file is gone."""
    if job.state not in lifecycle.RETRY_FROM:
        raise SourceRefused("only failed or cancelled jobs can be retried")
    return _again(job, queue, keep_copy=job.keep_copy)


def keep_a_copy(job: IngestJob, queue: Queue | None = None) -> IngestJob:
    """A job that ended as already in the library, again as a new job that keeps a second
    copy all the same (the operator's "keep a second copy")."""
    if job.state not in lifecycle.KEEP_COPY_FROM:
        raise SourceRefused("only jobs that found their video already in the library")
    return _again(job, queue, keep_copy=True)


def _again(job: IngestJob, queue: Queue | None, *, keep_copy: bool) -> IngestJob:
    """A new job with `job`'s source and choices; uploads cannot: their file is gone."""
    if job.source_kind == IngestJob.SourceKind.UPLOAD:
        raise SourceRefused("an uploaded file is removed when its job ends; upload it again")
    return _create(
        [(job.source, job.source_kind, job.source_name)],
        tenant=job.tenant,
        requested_by=job.requested_by,
        via=job.via,
        publish=job.publish,
        target_title=job.target_title,
        queue=queue,
        keep_copy=keep_copy,
    )[0]


def _create(
    sources,
    *,
    tenant,
    requested_by,
    via,
    publish,
    target_title=None,
    queue=None,
    keep_copy=False,
):
    queue = queue or queue_job
    with transaction.atomic():
        jobs = [
            IngestJob.objects.create(
                tenant=tenant,
                requested_by=requested_by,
                via=via[:60],
                source=source,
                source_kind=kind,
                source_name=name[:300] if kind != IngestJob.SourceKind.URL else "",
                publish=publish,
                target_title=target_title,
                keep_copy=keep_copy,
            )
            for source, kind, name in sources
        ]
        for job in jobs:
            transaction.on_commit(lambda job=job: queue(job))
    return jobs


def _video_files(path: Path) -> list[Path]:
    if path.is_file():
        return [path]
    # A link inside the folder that points out of it is not followed.
    return sorted(
        p
        for p in path.rglob("*")
        if p.suffix.lower() in VIDEO_SUFFIXES
        and not p.name.startswith(".")
        and p.is_file()
        and path in p.resolve().parents
    )


def _suffix_list() -> str:
    return ", ".join(sorted(VIDEO_SUFFIXES))
