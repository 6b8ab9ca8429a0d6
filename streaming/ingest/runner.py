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

from ingest_core import lifecycle
from ingest_core.errors import IngestCancelled, IngestError
from ingest_core.job_progress import Heartbeat
from ingest_core.lifecycle import JobMovedOn, MoveRefused, Step
from streaming.ingest.errors import AlreadyInLibrary
from streaming.ingest.fetch_step import fetch
from streaming.ingest.lease import claim
from streaming.ingest.process_step import process
from streaming.ingest.progress import Listener, Reporter
from streaming.models import IngestJob

logger = logging.getLogger(__name__)
State = lifecycle.State
FETCH, PROCESS = Step.FETCH, Step.PROCESS  # the names tasks and tests use
# (job id, step, seconds to wait) -> queue it
Schedule = Callable[[int, Step, int], None]


def run_step(job_id: int, step: Step, schedule: Schedule, listener: Listener | None = None) -> str:
    """Run `step` of the job if this worker can take it; say what happened."""
    job = claim(job_id, lifecycle.STEP_TAKES_FROM[step])
    if job is None:
        return f"job {job_id}: not mine to run (finished, or running elsewhere)"
    try:
        _run(job, step, schedule, listener)
    except JobMovedOn as moved:
        # Taken over by another worker (or ended by another writer): its folder is not ours
        # to remove, its row not ours to write.
        logger.warning("ingest job %s: %s", job.pk, moved)
        return f"job {job.pk}: {moved}"
    return f"job {job.pk}: {job.state}"


def _run(job: IngestJob, step: Step, schedule: Schedule, listener: Listener | None) -> None:
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
        if step == FETCH:
            # A cancel that lands during this last write wins: IngestCancelled, below.
            lifecycle.hand_off(job)
    except IngestCancelled:
        _end(job, State.CANCELLED, "cancelled by the operator")
    except AlreadyInLibrary as found:
        job.media_file = found.media
        job.title = found.media.owner_title
        _end(job, State.DUPLICATE, "", note=found.note)
    except KeyboardInterrupt:
        _end(job, State.CANCELLED, "interrupted (Ctrl-C)")
        raise
    except MoveRefused:
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
            schedule(job.pk, PROCESS, 0)
        else:
            job.media_file = media
            job.title = media.owner_title
            _end(job, State.DONE, "")


def run_inline(job: IngestJob, listener: Listener | None = None) -> IngestJob:
    """Every step, here and now (retries included, after their wait)."""
    pending: list[tuple[Step, int]] = [(lifecycle.first_step(job), 0)]

    def schedule(job_id: int, step: Step, delay: int) -> None:
        pending.append((step, delay))

    while pending:
        step, delay = pending.pop(0)
        if delay:
            time.sleep(delay)
        run_step(job.pk, step, schedule, listener)
    job.refresh_from_db()
    return job


def _failed(job: IngestJob, step: Step, error: IngestError, schedule: Schedule) -> None:
    if not error.transient or job.attempts >= settings.INGEST_MAX_ATTEMPTS:
        _end(job, State.FAILED, error.reason)
        return
    delay = min(600, 15 * 2 ** (job.attempts - 1))
    shutil.rmtree(job.work_dir / "out", ignore_errors=True)
    try:
        lifecycle.retry_later(job, error.reason, delay)
    except IngestCancelled:
        _end(job, State.CANCELLED, "cancelled by the operator")
        return
    schedule(job.pk, step, delay)


def _end(job: IngestJob, state: str, error: str, note: str = "") -> None:
    lifecycle.finish(job, state, error=error, note=note)
    shutil.rmtree(job.work_dir, ignore_errors=True)
