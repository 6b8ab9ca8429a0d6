"""An upload from start to ingest job: start (checks the name, the cap and the disk), append
a chunk, terminate, and finish (the one way in: streaming/ingest/service.py)."""

from __future__ import annotations

import contextlib
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from ingest_core.errors import IngestError
from ingest_core.http_response import format_bytes
from streaming.ingest import service
from streaming.models import Upload
from streaming.models.upload import expiry_from
from streaming.uploads import receive, space
from streaming.uploads.protocol import Checksum, ProtocolError


def start(*, tenant, owner, filename: str, length: int, publish: bool = True) -> Upload:
    """A new upload, refused before any byte is sent when it could not be kept."""
    name = Path(filename.replace("\\", "/")).name.strip()[:300]
    if not name:
        raise ProtocolError(400, "Upload-Metadata must name the file (filename).")
    if Path(name).suffix.lower() not in service.VIDEO_SUFFIXES:
        suffixes = ", ".join(sorted(service.VIDEO_SUFFIXES))
        raise ProtocolError(415, f"{name} is not a video file name (one of {suffixes}).")
    if length == 0:
        raise ProtocolError(400, "The file is empty.")
    cap = settings.INGEST_UPLOAD_MAX_BYTES
    if length > cap:
        raise ProtocolError(413, f"The file is larger than the upload cap of {format_bytes(cap)}.")
    Path(settings.INGEST_UPLOAD_DIR).mkdir(parents=True, exist_ok=True)
    if missing := space.shortfall(length):
        raise ProtocolError(
            507,
            f"Not enough free disk space for {format_bytes(length)}: the upload folder needs "
            f"{format_bytes(missing)} more (it keeps {format_bytes(settings.INGEST_MIN_FREE_BYTES)}"
            " free, and uploads in progress have room promised).",
        )
    now = timezone.now()
    upload = Upload.objects.create(
        tenant=tenant,
        owner=owner,
        filename=name,
        length=length,
        publish=publish,
        created_at=now,
        expires_at=expiry_from(now),
    )
    upload.path.touch(mode=0o600)
    return upload


def append(
    upload: Upload, stream, *, offset: int, length: int, checksum: Checksum | None
) -> Upload:
    """Write one PATCH body at `offset`; the upload becomes a job when it is complete."""
    if upload.state == Upload.State.DONE:
        if offset == upload.length and length == 0:
            return upload  # a client asking again after the last chunk: nothing to do
        raise ProtocolError(409, f"This upload is complete at {upload.length} bytes.")
    if offset + length > upload.length:
        raise ProtocolError(413, "The chunk goes past Upload-Length.")
    # Everything under the lock, the hand-off to ingest included: a second request for the
    # same upload waits its turn (423) and then finds the offset or the state moved on.
    with receive.locked(upload.path) as target:
        _reload(upload)
        if upload.state != Upload.State.RECEIVING or offset != upload.offset:
            raise ProtocolError(409, f"Upload-Offset is {upload.offset}, not {offset}.")
        upload.offset = receive.write_chunk(target, stream, offset, length, checksum)
        upload.expires_at = expiry_from(timezone.now())  # an upload making progress is alive
        upload.save(update_fields=["offset", "expires_at"])
        if upload.offset == upload.length:
            finish(upload)
    return upload


def finish(upload: Upload) -> None:
    """The complete file becomes an ingest job; the row remembers which."""
    with transaction.atomic():
        try:
            job = service.submit_received_file(
                upload.path,
                upload.filename,
                tenant=upload.tenant,
                requested_by=upload.owner,
                publish=upload.publish,
            )
        except IngestError as error:
            remove(upload)  # refused as they are: the answer says why, and a retry starts anew
            raise ProtocolError(422, f"The upload could not become a job: {error}") from None
        upload.state, upload.job = Upload.State.DONE, job
        upload.save(update_fields=["state", "job"])


def terminate(upload: Upload) -> None:
    """tus termination: the row and whatever bytes arrived are gone (not while a chunk is
    being written: 423). A complete upload's file is the job's now; only its row goes."""
    if upload.state == Upload.State.DONE:
        upload.delete()
        return
    with receive.locked(upload.path):
        _reload(upload)
        remove(upload)


def _reload(upload: Upload) -> None:
    try:
        upload.refresh_from_db()
    except Upload.DoesNotExist:
        raise ProtocolError(404, "No such upload (it was just removed).") from None


def remove(upload: Upload) -> None:
    with contextlib.suppress(FileNotFoundError):
        upload.path.unlink()
    upload.delete()
