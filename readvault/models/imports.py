"""Import jobs: one comic source (a URL, a file, a folder of images, an upload) on its way to
a stored, catalogued chapter.

The same job machinery as StreamVault's ingest jobs (`ingest_core`, whose
`ingest_core.job_model.JobBase` holds what every job row has): a job belongs to the site it
was submitted on; its state is written only by `ingest_core.lifecycle.move`, every other
write names its fields, because the worker, its heartbeat thread and the operator's cancel
write to the same row at once.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.db import models
from django.db.models import Q

from ingest_core.job_model import JobBase
from ingest_core.job_model import this_worker as this_worker  # re-exported beside its model
from readvault.models.library import Chapter, Series


class ImportJob(JobBase):
    """A comic's job: `JobBase` (ingest_core/job_model.py) holds what every vault's job has;
    here are a comic's sources, choices, pages and what the job made."""

    PROGRESS_RESET: ClassVar[dict[str, Any]] = {
        **JobBase.PROGRESS_RESET,
        "pages_done": 0,
        "pages_total": None,
        "pages_per_second": None,
    }
    CLEARED_AT_END = (*JobBase.CLEARED_AT_END, "pages_per_second")
    RESULT_FIELDS = ("series", "chapter")
    # Beside video's job folders, named apart: each vault's sweep removes only its own.
    WORK_DIR_PREFIX = "comic"

    class SourceKind(models.TextChoices):
        URL = "url", "URL"
        FILE = "file", "File on this machine"
        FOLDER = "folder", "Folder of images on this machine"
        UPLOAD = "upload", "Uploaded file"

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
    pages_done = models.PositiveIntegerField(default=0)
    pages_total = models.PositiveIntegerField(null=True, blank=True)
    pages_per_second = models.FloatField(null=True, blank=True)
    series = models.ForeignKey(
        Series, null=True, blank=True, on_delete=models.SET_NULL, related_name="import_jobs"
    )
    chapter = models.ForeignKey(
        Chapter, null=True, blank=True, on_delete=models.SET_NULL, related_name="import_jobs"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["state", "heartbeat_at"], name="import_state_heartbeat")]
        constraints = [
            models.CheckConstraint(
                condition=Q(bytes_done__gte=0), name="import_bytes_done_not_negative"
            ),
        ]

    def counted_percent(self) -> int | None:
        """Pages while they are read, bytes while they move."""
        if self.pages_total:
            return _percent(self.pages_done / self.pages_total)
        if self.bytes_total:
            return _percent(self.bytes_done / self.bytes_total)
        return None


def _percent(fraction: float) -> int:
    return max(0, min(100, int(fraction * 100)))
