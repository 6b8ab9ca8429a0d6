"""Ingest jobs: one URL or file on its way to a playable, stored, catalogued video.

A job belongs to the site it was submitted on (its operator sees it in the admin). Its state
is written only by `ingest_core.lifecycle` (which moves are allowed, and who may make
them). Every other write names its fields (`update_fields`), because the worker, the
heartbeat thread and the admin's cancel button write to the same row at once.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.db import models
from django.db.models import Q

from ingest_core.job_model import JobBase
from ingest_core.job_model import this_worker as this_worker  # re-exported beside its model
from streaming.models.catalogue import MediaFile, Title


class IngestJob(JobBase):
    """A video's job: `JobBase` (ingest_core/job_model.py) holds what every vault's job has;
    here are a video's sources, choices, ffmpeg's progress and what the job made."""

    PROGRESS_RESET: ClassVar[dict[str, Any]] = {
        **JobBase.PROGRESS_RESET,
        "media_seconds_done": None,
        "media_seconds_total": None,
        "speed_ratio": None,
    }
    CLEARED_AT_END = (*JobBase.CLEARED_AT_END, "speed_ratio")
    RESULT_FIELDS = ("media_file", "title")
    WORK_DIR_PREFIX = "job"

    class SourceKind(models.TextChoices):
        URL = "url", "URL"
        FILE = "file", "File on this machine"
        UPLOAD = "upload", "Uploaded file"

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
    # While ffmpeg works: seconds of the video done of its duration, and ffmpeg's speed
    # (seconds of video per second of wall time; 2.0 = twice realtime).
    media_seconds_done = models.FloatField(null=True, blank=True)
    media_seconds_total = models.FloatField(null=True, blank=True)
    speed_ratio = models.FloatField(null=True, blank=True)
    # What the source was, to recognise the same content coming in again (duplicates.py):
    # its size and a digest of its probe facts at once (its sha256, once read, is JobBase's).
    source_size = models.BigIntegerField(null=True, blank=True, db_index=True)
    source_facts = models.CharField(max_length=64, blank=True)
    media_file = models.ForeignKey(
        MediaFile, null=True, blank=True, on_delete=models.SET_NULL, related_name="ingest_jobs"
    )
    title = models.ForeignKey(
        Title, null=True, blank=True, on_delete=models.SET_NULL, related_name="ingest_jobs"
    )

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["state", "heartbeat_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(bytes_done__gte=0), name="ingest_bytes_done_not_negative"
            ),
        ]
