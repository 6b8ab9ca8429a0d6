"""Running one step of a job, and what happens after it: the next step, a retry, or an end.

Celery tasks call `run_step` with a scheduler that queues the next step on its own queue
(downloads or cpu); `run_inline` runs every step in this process (the `ingest` command and
`bootstrap`). Either way a job ends in exactly one of done / failed (with a reason an
operator can act on) / cancelled, and its work folder is removed.
"""

from __future__ import annotations

import logging
import shutil
import time
from collections.abc import Callable

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.utils import timezone

from streaming.ingest.errors import AlreadyInLibrary, IngestCancelled, IngestError
from streaming.ingest.fetch_step import fetch
from streaming.ingest.lease import claim
from streaming.ingest.process_step import process
from streaming.ingest.progress import Heartbeat, Listener, Reporter
from streaming.models import IngestJob

logger = logging.getLogger(__name__)
State = IngestJob.State

FETCH, PROCESS = "fetch", "process"
# The states a step may find its job in: its own (a rerun after a crash) or the hand-off.
STEP_STATES = {
    FETCH: (State.QUEUED, State.DOWNLOADING),
    PROCESS: (State.QUEUED, State.PROBING, State.PROCESSING, State.UPLOADING),
}
# (job id, step, seconds to wait) -> queue it
Schedule = Callable[[int, str, int], None]


def first_step(job: IngestJob) -> str:
    return FETCH if job.source_kind == IngestJob.SourceKind.URL else PROCESS


def run_step(job_id: int, step: str, schedule: Schedule, listener: Listener | None = None) -> str:
    """Run `step` of the job if this worker can take it; say what happened."""
    job = claim(job_id, STEP_STATES[step])
    if job is None:
        return f"job {job_id}: not mine to run (finished, or running elsewhere)"
    reporter = Reporter(job, listener=listener)
    if job.cancel_requested:
        reporter.cancelled.set()
    try:
        with Heartbeat(reporter, every=max(1.0, settings.INGEST_LEASE_SECONDS / 4)):
            reporter.check_cancelled()
            if step == FETCH:
                fetch(job, reporter)
            else:
                media = process(job, reporter)
    except IngestCancelled:
        _end(job, State.CANCELLED, "cancelled by the operator")
    except AlreadyInLibrary as found:
        job.media_file = found.media
        job.title = found.media.title or found.media.episode.season.title
        _end(job, State.DUPLICATE, "", note=found.note)
    except KeyboardInterrupt:
        _end(job, State.CANCELLED, "interrupted (Ctrl-C)")
        raise
    except IngestError as error:
        _failed(job, step, error, schedule)
    except SoftTimeLimitExceeded:
        limit = settings.INGEST_PROCESS_TIME_LIMIT
        _end(job, State.FAILED, f"stopped: processing took longer than {limit} s")
    except Exception as error:
        logger.exception("ingest job %s failed in %s", job.pk, step)
        _end(job, State.FAILED, f"unexpected error ({type(error).__name__}): {error}")
    else:
        if step == FETCH:
            _hand_off(job, PROCESS, schedule)
        else:
            job.media_file = media
            job.title = media.title or media.episode.season.title
            _end(job, State.DONE, "")
    return f"job {job.pk}: {job.state}"


def run_inline(job: IngestJob, listener: Listener | None = None) -> IngestJob:
    """Every step, here and now (retries included, after their wait)."""
    pending: list[tuple[str, int]] = [(first_step(job), 0)]

    def schedule(job_id: int, step: str, delay: int) -> None:
        pending.append((step, delay))

    while pending:
        step, delay = pending.pop(0)
        if delay:
            time.sleep(delay)
        run_step(job.pk, step, schedule, listener)
    job.refresh_from_db()
    return job


def _hand_off(job: IngestJob, step: str, schedule: Schedule) -> None:
    job.state = State.PROBING
    job.step_progress = None
    job.worker = ""
    job.save(update_fields=["state", "step_progress", "worker", "updated_at"])
    schedule(job.pk, step, 0)


def _failed(job: IngestJob, step: str, error: IngestError, schedule: Schedule) -> None:
    if not error.transient or job.attempts >= settings.INGEST_MAX_ATTEMPTS:
        _end(job, State.FAILED, error.reason)
        return
    delay = min(600, 15 * 2 ** (job.attempts - 1))
    job.add_log(f"{error.reason}; trying again in {delay} s")
    shutil.rmtree(job.work_dir / "out", ignore_errors=True)
    job.state = State.QUEUED
    job.error = error.reason
    job.attempts += 1
    job.worker = ""
    job.save(update_fields=["state", "error", "attempts", "worker", "updated_at"])
    schedule(job.pk, step, delay)


def _end(job: IngestJob, state: str, error: str, note: str = "") -> None:
    shutil.rmtree(job.work_dir, ignore_errors=True)
    job.state = state
    job.error = error
    job.note = note[:400]
    job.worker = ""
    job.finished_at = timezone.now()
    job.speed_bps = job.eta_seconds = job.speed_ratio = None
    job.save(
        update_fields=[
            "state",
            "error",
            "note",
            "speed_ratio",
            "worker",
            "finished_at",
            "speed_bps",
            "eta_seconds",
            "media_file",
            "title",
            "updated_at",
        ]
    )
    job.add_log(f"{state}: {error or note}" if error or note else state)
