"""Room on the upload disk. A function of its own so tests can stand in for a full disk."""

from __future__ import annotations

import shutil
from pathlib import Path

from django.conf import settings
from django.db.models import F, Sum

from streaming.models import Upload


def free_bytes(folder: Path) -> int:
    return shutil.disk_usage(folder).free


def still_to_come() -> int:
    """Bytes that uploads in progress have announced but not yet sent: room already promised."""
    pending = Upload.objects.receiving().aggregate(total=Sum(F("length") - F("offset")))
    return pending["total"] or 0


def shortfall(length: int) -> int:
    """How many bytes short the disk is of taking `length` more while keeping
    INGEST_MIN_FREE_BYTES free (0: there is room)."""
    folder = Path(settings.INGEST_UPLOAD_DIR)
    needed = length + still_to_come() + settings.INGEST_MIN_FREE_BYTES
    return max(0, needed - free_bytes(folder))
