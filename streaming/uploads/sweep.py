"""Uploads nobody finished: removed once they expire (INGEST_UPLOAD_EXPIRY_HOURS after their
last chunk), with their bytes; finished ones keep their row as long, then lose it too. Files
in the upload folder that no row names (a crash between the file and the row) go as well."""

from __future__ import annotations

import logging
import time
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from streaming.models import Upload
from streaming.uploads.lifecycle import remove

logger = logging.getLogger(__name__)


def sweep_uploads() -> list[str]:
    """Remove expired uploads and stray files; the names of what went."""
    removed = []
    for upload in Upload.objects.expired(timezone.now()):
        remove(upload)
        removed.append(upload.filename)
    removed.extend(_remove_strays())
    if removed:
        logger.info("swept %d expired or stray uploads", len(removed))
    return removed


def _remove_strays() -> list[str]:
    folder = Path(settings.INGEST_UPLOAD_DIR)
    if not folder.is_dir():
        return []
    known = {str(pk) for pk in Upload.objects.values_list("pk", flat=True)}
    old = time.time() - settings.INGEST_UPLOAD_EXPIRY_HOURS * 3600
    strays = [
        path
        for path in folder.iterdir()
        if path.is_file() and path.name not in known and path.stat().st_mtime < old
    ]
    for path in strays:
        path.unlink(missing_ok=True)
    return [path.name for path in strays]
