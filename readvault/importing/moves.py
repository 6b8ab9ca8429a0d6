"""The life cycle's moves as an import job makes them: which fields go with each.

Every state change goes through `ingest_core.lifecycle.move` (the one writer of a job's
state, with its table of who may make which move). `hand_off`, `retry_later`, `cancel` and
`requeue_silent` are the life cycle's own and fit any job; starting a state and ending a job
write fields each vault's job has its own of (video's ffmpeg time and version, a comic's
pages, series and chapter), so those two are here.
"""

from __future__ import annotations

from django.db.models import Q
from django.utils import timezone

from ingest_core import lifecycle
from ingest_core.errors import IngestCancelled
from ingest_core.lifecycle import Actor, JobMovedOn
from readvault.models import ImportJob

hand_off = lifecycle.hand_off
retry_later = lifecycle.retry_later
cancel = lifecycle.cancel
requeue_silent = lifecycle.requeue_silent

_PROGRESS_RESET = {
    "step_progress": None,
    "pages_done": 0,
    "pages_total": None,
    "pages_per_second": None,
    "bytes_done": 0,
    "bytes_total": None,
    "speed_bps": None,
    "eta_seconds": None,
}


def start(job: ImportJob, state: str) -> None:
    """The worker enters a running state: its progress starts again from nothing. Refused
    with `IngestCancelled` once the operator asked to cancel (the cancel that lands during a
    step's last write wins)."""
    fields = {**_PROGRESS_RESET, "heartbeat_at": timezone.now()}
    try:
        lifecycle.move(job, state, by=Actor.WORKER, fields=fields, where=Q(cancel_requested=False))
    except JobMovedOn:
        asked = ImportJob.objects.filter(
            pk=job.pk, state=job.state, worker=job.worker, cancel_requested=True
        )
        if asked.exists():
            job.cancel_requested = True
            raise IngestCancelled("cancelled by the operator") from None
        raise


def finish(job: ImportJob, state: str, *, error: str = "", note: str = "") -> None:
    """The worker ends the job, with its series and chapter. Not refused by a cancel
    request: a job that is done is done."""
    fields = {
        "error": error,
        "note": note[:400],
        "worker": "",
        "finished_at": timezone.now(),
        "speed_bps": None,
        "pages_per_second": None,
        "eta_seconds": None,
        "series": job.series,
        "chapter": job.chapter,
    }
    line = f"{state}: {error or note}" if error or note else state
    lifecycle.move(job, state, by=Actor.WORKER, fields=fields, log=line)
