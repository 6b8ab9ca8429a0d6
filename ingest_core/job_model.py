"""What every vault's import job row holds and knows: `JobBase`, an abstract model.

A vault's job model (StreamVault's `IngestJob`, ReadVault's `ImportJob`) inherits the state,
the progress of bytes, the attempts, the error and note, the log, the lease (worker and
heartbeat) and the timestamps from here, and adds its own source kinds, choices and result.
It also names, for the life cycle and the progress reporter, the fields of its own that go
with them (`PROGRESS_RESET`, `CLEARED_AT_END`, `RESULT_FIELDS`): `ingest_core.lifecycle` and
`ingest_core.job_progress` write through those names, never through a vault's model.
"""

from __future__ import annotations

import os
import socket
from datetime import timedelta
from pathlib import Path
from typing import Any, ClassVar, TypeVar

from django.conf import settings
from django.db import models
from django.utils import timezone

from ingest_core.lifecycle import FINISHED, State
from tenants.scoping import TenantOwned, TenantOwnedQuerySet

LOG_LIMIT = 20_000  # characters of log kept per job: the tail is what an operator reads


class JobQuerySet(TenantOwnedQuerySet):
    def unfinished(self) -> JobQuerySet:
        return self.exclude(state__in=FINISHED)

    def stale(self) -> JobQuerySet:
        """Jobs a worker was running but stopped reporting on: that worker is gone."""
        cutoff = timezone.now() - timedelta(seconds=settings.INGEST_LEASE_SECONDS)
        return self.unfinished().exclude(worker="").filter(heartbeat_at__lt=cutoff)

    def forgotten(self) -> JobQuerySet:
        """Jobs waiting in the queue, held by no worker, for longer than INGEST_REQUEUE_SECONDS
        (longer than any retry's backoff): their message may be gone, taken by a worker that
        was killed before it claimed the job, which leaves no lease for `stale` to see."""
        cutoff = timezone.now() - timedelta(seconds=settings.INGEST_REQUEUE_SECONDS)
        return self.filter(state=State.QUEUED, worker="", updated_at__lt=cutoff)


JobManager = models.Manager.from_queryset(JobQuerySet)


class JobBase(TenantOwned):
    State = State  # the life cycle's own (ingest_core/lifecycle.py)
    FINISHED = FINISHED

    # The progress a running state starts again from (`lifecycle.start`) and the reporter
    # writes: a vault adds the fields of its own (ffmpeg's time, pages).
    PROGRESS_RESET: ClassVar[dict[str, Any]] = {
        "step_progress": None,
        "bytes_done": 0,
        "bytes_total": None,
        "speed_bps": None,
        "eta_seconds": None,
    }
    # Rates that mean nothing once the job has ended (`lifecycle.finish`).
    CLEARED_AT_END: ClassVar[tuple[str, ...]] = ("speed_bps", "eta_seconds")
    # What the job made or found (its video and title, its chapter and series), written
    # with its end.
    RESULT_FIELDS: ClassVar[tuple[str, ...]] = ()
    # The job's folder under INGEST_WORK_DIR is "<prefix>-<id>": each vault's sweep removes
    # only its own.
    WORK_DIR_PREFIX: ClassVar[str] = "job"
    # The operator's import record: what it made is the shared catalogue's, not the site's.
    removed_when_site_closes = False

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    state = models.CharField(max_length=12, choices=State.choices, default=State.QUEUED)
    step_progress = models.FloatField(null=True, blank=True, help_text="0..1 of this state")
    bytes_done = models.BigIntegerField(default=0)
    bytes_total = models.BigIntegerField(null=True, blank=True)
    speed_bps = models.BigIntegerField(null=True, blank=True)
    eta_seconds = models.IntegerField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.TextField(blank=True)
    note = models.CharField(max_length=400, blank=True, help_text="How a job without error ended.")
    # To recognise the same content coming in again (each vault's duplicates.py).
    source_sha256 = models.CharField(max_length=64, blank=True, db_index=True)
    log = models.TextField(blank=True)
    cancel_requested = models.BooleanField(default=False)
    worker = models.CharField(max_length=200, blank=True, help_text="host:pid running it now")
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects: ClassVar[JobManager] = JobManager()

    class Meta:
        abstract = True

    # Each vault's model has these; declared for the code here that reads them.
    source: str
    source_name: str
    source_kind: str

    def __str__(self) -> str:
        return f"#{self.pk} {self.source_name or self.source[:80]}"

    @property
    def is_finished(self) -> bool:
        return self.state in FINISHED

    @property
    def percent(self) -> int | None:
        """How far the current state is: 100 once done, else its own fraction, else the
        vault's count of what it moves (`counted_percent`)."""
        if self.state in (State.DONE, State.DUPLICATE):
            return 100
        if self.step_progress is not None:
            return max(0, min(100, int(self.step_progress * 100)))
        return self.counted_percent()

    def counted_percent(self) -> int | None:
        """Bytes moved of the whole; a vault counting other things (pages) says so here."""
        if self.bytes_total:
            return max(0, min(100, int(self.bytes_done * 100 / self.bytes_total)))
        return None

    @property
    def work_dir(self) -> Path:
        return Path(settings.INGEST_WORK_DIR) / f"{self.WORK_DIR_PREFIX}-{self.pk}"

    def add_log(self, line: str) -> None:
        """Append a timestamped line (kept to the last LOG_LIMIT characters) and save it."""
        stamp = timezone.now().strftime("%H:%M:%S")
        self.log = f"{self.log}{stamp} {line.rstrip()}\n"[-LOG_LIMIT:]
        self.save(update_fields=["log", "updated_at"])

    def log_tail(self, lines: int = 40) -> str:
        return "\n".join(self.log.splitlines()[-lines:])


# Any vault's job class, for the generic code here (lease, progress, runner, sweep, admin).
Job = TypeVar("Job", bound=JobBase)


def this_worker() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"
