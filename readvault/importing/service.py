"""How every way in (the admin's page, a folder of the import folder, `import_comics`, the
API) submits comics: these functions check the input, create a job per chapter and queue
its first step once the transaction commits. Bad input is refused here, with the reason,
before any job exists: a URL the SSRF guard refuses, a path outside the import folder, a
folder with no comics in it, an empty upload.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from ingest_core import lifecycle, submission
from ingest_core.errors import SourceRefused
from readvault.importing.queueing import queue_job
from readvault.importing.sources import chapters_in, is_archive, name_within, source_folder
from readvault.metadata.names import ARCHIVE_SUFFIXES
from readvault.models import ImportJob, Series
from tenants.models import Tenant

MAX_UPLOADS = 100  # files per admin submission (Django's DATA_UPLOAD_MAX_NUMBER_FILES)
Queue = Callable[[ImportJob], None]
Kind = ImportJob.SourceKind


@dataclass(frozen=True)
class Choices:
    """What the operator chose for every job of one submission."""

    tenant: Tenant
    via: str
    requested_by: Any = None  # the user, or None (a command)
    publish: bool = True
    target_series: Series | None = None
    queue: Queue | None = None


def submit_urls(urls: Iterable[str], choices: Choices) -> list[ImportJob]:
    """One job per URL. Every URL is checked first: one bad URL refuses the whole batch,
    naming it, so a paste is never half-submitted."""
    cleaned = submission.checked_urls(urls)
    return _create([(url, Kind.URL, "") for url in cleaned], choices)


def submit_paths(
    paths: Iterable[str | Path], choices: Choices, within: Path | None = None
) -> list[ImportJob]:
    """A job per chapter: an archive is one, a folder stands for every archive and every
    folder of images under it. With `within` (the import folder), nothing outside it is
    accepted, symlinks included, and names are read from there; otherwise from the folder
    that holds each given path (so its own name names the series)."""
    sources: list[tuple[str, str, str]] = []
    for given in paths:
        path = submission.checked_path(Path(given), within)
        base = Path(within).resolve() if within is not None else path.parent
        sources.extend(_chapters(path, base))
    if not sources:
        raise SourceRefused(
            "no comics found: looked for archives (" + ", ".join(ARCHIVE_SUFFIXES) + ") and "
            "folders of images"
        )
    return _create(sources, choices)


def submit_uploads(uploads: Iterable[UploadedFile], choices: Choices) -> list[ImportJob]:
    """A job per uploaded archive, each kept in its job's folder. All are checked before
    any job exists; a failed write leaves no job and no folder behind."""
    files = list(uploads)
    if not files:
        raise SourceRefused("no file given")
    if len(files) > MAX_UPLOADS:
        raise SourceRefused(f"{len(files)} files at once; upload at most {MAX_UPLOADS}")
    for upload in files:
        _check_upload(upload)
    jobs: list[ImportJob] = []
    try:
        with transaction.atomic():
            for upload in files:
                jobs.append(_upload_job(upload, choices))
    except BaseException:
        for job in jobs:  # rolled back: their kept files go too
            shutil.rmtree(job.work_dir, ignore_errors=True)
        raise
    return jobs


import_root = submission.import_root
cancel = submission.cancel


def import_folders() -> list[str]:
    """Folders of the import folder the admin offers; hidden ones are not comics' folders."""
    return submission.import_folders(hidden=False)


def retry(job: ImportJob, queue: Queue | None = None) -> ImportJob:
    """A failed or cancelled job as a new job with the same source (the old one stays as
    the record of what went wrong). Uploads cannot be retried: their file is gone."""
    if job.state not in lifecycle.RETRY_FROM:
        raise SourceRefused("only failed or cancelled jobs can be retried")
    if job.source_kind == Kind.UPLOAD:
        raise SourceRefused("an uploaded file is removed when its job ends; upload it again")
    choices = Choices(
        tenant=job.tenant,
        via=job.via,
        requested_by=job.requested_by,
        publish=job.publish,
        target_series=job.target_series,
        queue=queue,
    )
    return _create([(job.source, job.source_kind, job.source_name)], choices)[0]


def _create(sources: list[tuple[str, str, str]], choices: Choices) -> list[ImportJob]:
    queue = choices.queue or queue_job
    with transaction.atomic():
        jobs = [
            ImportJob.objects.create(
                **_job_fields(choices),
                source=source,
                source_kind=kind,
                source_name=name[:500] if kind != Kind.URL else "",
            )
            for source, kind, name in sources
        ]
        for job in jobs:
            transaction.on_commit(partial(queue, job))
    return jobs


def _job_fields(choices: Choices) -> dict:
    return {
        "tenant": choices.tenant,
        "requested_by": choices.requested_by,
        "via": choices.via[:60],
        "publish": choices.publish,
        "target_series": choices.target_series,
    }


def _chapters(path: Path, base: Path) -> list[tuple[str, str, str]]:
    if path.is_file():
        if not is_archive(path):
            raise SourceRefused(
                f"{path.name} is not a comic archive ({', '.join(ARCHIVE_SUFFIXES)})"
            )
        return [(str(path), Kind.FILE, name_within(path, base))]
    return [
        (str(found), Kind.FILE if found.is_file() else Kind.FOLDER, name_within(found, base))
        for found in chapters_in(path)
    ]


def _check_upload(upload: UploadedFile) -> None:
    name = Path(upload.name or "").name
    if not upload.size:
        raise SourceRefused(f"{name or 'the upload'} is empty")
    if upload.size > settings.INGEST_MAX_BYTES:
        raise SourceRefused(f"{name} is larger than the {settings.INGEST_MAX_BYTES:,} byte cap")
    if not is_archive(Path(name)):
        raise SourceRefused(f"{name} is not a comic archive ({', '.join(ARCHIVE_SUFFIXES)})")


def _upload_job(upload: UploadedFile, choices: Choices) -> ImportJob:
    """Called inside the submission's transaction: the job and its kept file, or neither."""
    name = Path(upload.name or "upload").name[:200]
    job = ImportJob.objects.create(
        **_job_fields(choices), source=name, source_kind=Kind.UPLOAD, source_name=name
    )
    folder = source_folder(job)
    folder.mkdir(parents=True, exist_ok=True)
    try:
        # "#" kept: archives name chapters so ("Berserk #21.cbz").
        with (folder / submission.safe_name(name, also="#")).open("wb") as handle:
            for chunk in upload.chunks():
                handle.write(chunk)
    except OSError as error:
        shutil.rmtree(job.work_dir, ignore_errors=True)
        raise SourceRefused(f"could not keep {name}: {error.strerror}") from error
    transaction.on_commit(partial(choices.queue or queue_job, job))
    return job
