"""Ingest jobs: one URL or file on its way to a playable, stored, catalogued video.

A job belongs to the site it was submitted on (its operator sees it in the admin). Its state
is written only by `ingest_core.lifecycle` (which moves are allowed, and who may make
them). Every other write names its fields (`update_fields`), because the worker, the
heartbeat thread and the admin's cancel button write to the same row at once.
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
from streaming.models.catalogue import MediaFile, Title
from tenants.scoping import TenantOwned, TenantOwnedQuerySet

LOG_LIMIT = 20_000  # characters of log kept per job: the tail is what an operator reads


class IngestJobQuerySet(TenantOwnedQuerySet):
    def unfinished(self) -> IngestJobQuerySet:
        return self.exclude(state__in=IngestJob.FINISHED)

    def stale(self) -> IngestJobQuerySet:
        """Jobs a worker was running but stopped reporting on: that worker is gone."""
        cutoff = timezone.now() - timedelta(seconds=settings.INGEST_LEASE_SECONDS)
        return self.unfinished().exclude(worker="").filter(heartbeat_at__lt=cutoff)


IngestJobManager = models.Manager.from_queryset(IngestJobQuerySet)


class IngestJob(TenantOwned):
    State = State  # the life cycle's own (ingest_core/lifecycle.py)

    class SourceKind(models.TextChoices):
        URL = "url", "URL"
        FILE = "file", "File on this machine"
        UPLOAD = "upload", "Uploaded file"

    FINISHED = FINISHED

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    via = models.CharField(max_length=60, help_text="admin, upload, folder, cli, api, telegram:…")
    source = models.TextField(help_text="The URL, or the path of the file on this machine.")
    source_kind = models.CharField(max_length=8, choices=SourceKind.choices)
    source_name = models.CharField(
        max_length=300, blank=True, help_text="The name guessit reads: file name or page title."
    )
    publish = models.BooleanField(default=True, help_text="Publish the title when it is ready.")
    target_title = models.ForeignKey(
        Title,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Attach to this title instead of guessing from the name.",
    )
    keep_copy = models.BooleanField(
        default=False,
        help_text="Keep a second copy even when the library already has this file.",
    )
    state = models.CharField(max_length=12, choices=State.choices, default=State.QUEUED)
    step_progress = models.FloatField(null=True, blank=True, help_text="0..1 of this state")
    bytes_done = models.BigIntegerField(default=0)
    bytes_total = models.BigIntegerField(null=True, blank=True)
    speed_bps = models.BigIntegerField(null=True, blank=True)
    eta_seconds = models.IntegerField(null=True, blank=True)
    # While ffmpeg works: seconds of the video done of its duration, and ffmpeg's speed
    # (seconds of video per second of wall time; 2.0 = twice realtime).
    media_seconds_done = models.FloatField(null=True, blank=True)
    media_seconds_total = models.FloatField(null=True, blank=True)
    speed_ratio = models.FloatField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.TextField(blank=True)
    note = models.CharField(max_length=400, blank=True, help_text="How a job without error ended.")
    # What the source was, to recognise the same content coming in again (duplicates.py):
    # its size and a digest of its probe facts at once, its sha256 once it has been read.
    source_size = models.BigIntegerField(null=True, blank=True, db_index=True)
    source_facts = models.CharField(max_length=64, blank=True)
    source_sha256 = models.CharField(max_length=64, blank=True, db_index=True)
    log = models.TextField(blank=True)
    cancel_requested = models.BooleanField(default=False)
    worker = models.CharField(max_length=200, blank=True, help_text="host:pid running it now")
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    media_file = models.ForeignKey(
        MediaFile, null=True, blank=True, on_delete=models.SET_NULL, related_name="ingest_jobs"
    )
    title = models.ForeignKey(
        Title, null=True, blank=True, on_delete=models.SET_NULL, related_name="ingest_jobs"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects: ClassVar[IngestJobManager] = IngestJobManager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["state", "heartbeat_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(bytes_done__gte=0), name="ingest_bytes_done_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.source_name or self.source[:80]}"

    @property
    def is_finished(self) -> bool:
        return self.state in self.FINISHED

    @property
    def percent(self) -> int | None:
        if self.state in (self.State.DONE, self.State.DUPLICATE):
            return 100
        if self.step_progress is not None:
            return max(0, min(100, int(self.step_progress * 100)))
        if self.bytes_total:
            return max(0, min(100, int(self.bytes_done * 100 / self.bytes_total)))
        return None

    @property
    def work_dir(self) -> Path:
        return Path(settings.INGEST_WORK_DIR) / f"job-{self.pk}"

    def add_log(self, line: str) -> None:
        """Append a timestamped line (kept to the last LOG_LIMIT characters) and save it."""
        stamp = timezone.now().strftime("%H:%M:%S")
        self.log = f"{self.log}{stamp} {line.rstrip()}\n"[-LOG_LIMIT:]
        self.save(update_fields=["log", "updated_at"])

    def log_tail(self, lines: int = 40) -> str:
        return "\n".join(self.log.splitlines()[-lines:])


def this_worker() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"
