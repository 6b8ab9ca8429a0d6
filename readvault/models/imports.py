"""Import jobs: one comic source (a URL, a file, a folder of images, an upload) on its way to
a stored, catalogued chapter.

The same job machinery as StreamVault's ingest jobs (`ingest_core`): a job belongs to the
site it was submitted on; its state is written only by `ingest_core.lifecycle.move`
(through `readvault.importing.moves`), every other write names its fields, because the
worker, its heartbeat thread and the operator's cancel write to the same row at once.
"""

from __future__ import annotations

import os
import socket
from datetime import timedelta
from pathlib import Path
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from ingest_core.lifecycle import FINISHED, State
from readvault.models.library import Chapter, Series
from tenants.scoping import TenantOwned, TenantOwnedQuerySet

LOG_LIMIT = 20_000  # characters of log kept per job: the tail is what an operator reads


class ImportJobQuerySet(TenantOwnedQuerySet):
    def unfinished(self) -> ImportJobQuerySet:
        return self.exclude(state__in=FINISHED)

    def stale(self) -> ImportJobQuerySet:
        """Jobs a worker was running but stopped reporting on: that worker is gone."""
        cutoff = timezone.now() - timedelta(seconds=settings.INGEST_LEASE_SECONDS)
        return self.unfinished().exclude(worker="").filter(heartbeat_at__lt=cutoff)


ImportJobManager = models.Manager.from_queryset(ImportJobQuerySet)


class ImportJob(TenantOwned):
    State = State  # the life cycle's own (ingest_core/lifecycle.py)

    class SourceKind(models.TextChoices):
        URL = "url", "URL"
        FILE = "file", "File on this machine"
        FOLDER = "folder", "Folder of images on this machine"
        UPLOAD = "upload", "Uploaded file"

    FINISHED = FINISHED

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    via = models.CharField(max_length=60, help_text="admin, upload, folder, cli, api")
    source = models.TextField(help_text="The URL, or the path of the file or folder.")
    source_kind = models.CharField(max_length=8, choices=SourceKind.choices)
    source_name = models.CharField(
        max_length=500,
        blank=True,
        help_text="The name read for series, volume and chapter: a file name, or a path "
        "whose top folder names the series (“Berserk/Volume 3/Chapter 21.cbz”).",
    )
    publish = models.BooleanField(default=True, help_text="Publish the series when it is ready.")
    target_series = models.ForeignKey(
        Series,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Add the chapter to this series instead of finding one from the names.",
    )
    state = models.CharField(max_length=12, choices=State.choices, default=State.QUEUED)
    step_progress = models.FloatField(null=True, blank=True, help_text="0..1 of this state")
    pages_done = models.PositiveIntegerField(default=0)
    pages_total = models.PositiveIntegerField(null=True, blank=True)
    pages_per_second = models.FloatField(null=True, blank=True)
    bytes_done = models.BigIntegerField(default=0)
    bytes_total = models.BigIntegerField(null=True, blank=True)
    speed_bps = models.BigIntegerField(null=True, blank=True)
    eta_seconds = models.IntegerField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.TextField(blank=True)
    note = models.CharField(max_length=400, blank=True, help_text="How a job without error ended.")
    # To recognise the same archive coming in again (readvault/importing/duplicates.py).
    source_sha256 = models.CharField(max_length=64, blank=True, db_index=True)
    log = models.TextField(blank=True)
    cancel_requested = models.BooleanField(default=False)
    worker = models.CharField(max_length=200, blank=True, help_text="host:pid running it now")
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    series = models.ForeignKey(
        Series, null=True, blank=True, on_delete=models.SET_NULL, related_name="import_jobs"
    )
    chapter = models.ForeignKey(
        Chapter, null=True, blank=True, on_delete=models.SET_NULL, related_name="import_jobs"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects: ClassVar[ImportJobManager] = ImportJobManager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["state", "heartbeat_at"], name="import_state_heartbeat")]
        constraints = [
            models.CheckConstraint(
                condition=Q(bytes_done__gte=0), name="import_bytes_done_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.source_name or self.source[:80]}"

    @property
    def is_finished(self) -> bool:
        return self.state in FINISHED

    @property
    def percent(self) -> int | None:
        """How far the current state is: 100 once done; pages while they are read, bytes
        while they move."""
        if self.state in (State.DONE, State.DUPLICATE):
            return 100
        if self.step_progress is not None:
            return _percent(self.step_progress)
        if self.pages_total:
            return _percent(self.pages_done / self.pages_total)
        if self.bytes_total:
            return _percent(self.bytes_done / self.bytes_total)
        return None

    @property
    def work_dir(self) -> Path:
        # Beside video's job folders, named apart: each vault's sweep removes only its own.
        return Path(settings.INGEST_WORK_DIR) / f"comic-{self.pk}"

    def add_log(self, line: str) -> None:
        """Append a timestamped line (kept to the last LOG_LIMIT characters) and save it."""
        stamp = timezone.now().strftime("%H:%M:%S")
        self.log = f"{self.log}{stamp} {line.rstrip()}\n"[-LOG_LIMIT:]
        self.save(update_fields=["log", "updated_at"])

    def log_tail(self, lines: int = 40) -> str:
        return "\n".join(self.log.splitlines()[-lines:])


def _percent(fraction: float) -> int:
    return max(0, min(100, int(fraction * 100)))


def this_worker() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"
