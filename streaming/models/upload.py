"""Uploads in progress: a film sent by an operator in chunks (tus, streaming/uploads).

The row is what a reload finds again: the bytes received so far sit in one file under
INGEST_UPLOAD_DIR named after the row's id, and `offset` says how many of them count. When
the last byte arrives the file becomes an ingest job (streaming/ingest/service.py) and the row
keeps a link to it until the sweep removes it.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from pathlib import Path
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone

from streaming.models.ingest import IngestJob
from tenants.scoping import TenantOwned, TenantOwnedQuerySet


def expiry_from(now: datetime) -> datetime:
    """An upload that receives nothing for this long is abandoned (and swept)."""
    return now + timedelta(hours=settings.INGEST_UPLOAD_EXPIRY_HOURS)


class UploadQuerySet(TenantOwnedQuerySet):
    def receiving(self) -> UploadQuerySet:
        return self.filter(state=Upload.State.RECEIVING)

    def expired(self, now: datetime | None = None) -> UploadQuerySet:
        return self.filter(expires_at__lte=now or timezone.now())


UploadManager = models.Manager.from_queryset(UploadQuerySet)


class Upload(TenantOwned):
    removed_when_site_closes = False  # an import's bytes: the upload sweep removes them

    class State(models.TextChoices):
        RECEIVING = "receiving", "Receiving"
        DONE = "done", "Done (an ingest job)"

    # A random id: it is the upload's address, and guessing one must find nothing.
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="ingest_uploads"
    )
    filename = models.CharField(max_length=300)
    length = models.BigIntegerField(help_text="Bytes announced (Upload-Length).")
    offset = models.BigIntegerField(default=0, help_text="Bytes received and kept.")
    publish = models.BooleanField(default=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.RECEIVING)
    job = models.ForeignKey(
        IngestJob, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()

    objects: ClassVar[UploadManager] = UploadManager()

    class Meta:
        ordering = ("created_at",)
        indexes = [models.Index(fields=["state", "expires_at"], name="upload_state_expires")]

    def __str__(self) -> str:
        return f"{self.filename} ({self.offset:,} of {self.length:,} bytes)"

    @property
    def path(self) -> Path:
        return Path(settings.INGEST_UPLOAD_DIR) / str(self.pk)

    @property
    def percent(self) -> int:
        return int(self.offset * 100 / self.length) if self.length else 100

    def is_expired(self, now: datetime | None = None) -> bool:
        return self.expires_at <= (now or timezone.now())
