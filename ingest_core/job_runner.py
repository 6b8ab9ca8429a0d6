"""Running one step of a job, of any vault, and what happens after it: the next step, a
retry with backoff, or an end.

A vault gives its `Steps` (its lease, reporter, fetch and process steps, and how a result is
written on its job); Celery tasks call `run_step` with a scheduler that queues the next step
on its own queue (downloads or cpu); `run_inline` runs every step in this process (the
`ingest` and `import_comics` commands, `bootstrap`). Either way a job ends in exactly one of
done / already in the library / failed (with a reason an operator can act on) / cancelled,
and its work folder is removed.
"""

from __future__ import annotations

import logging
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import InterfaceError, OperationalError, close_old_connections

from ingest_core import lifecycle
from ingest_core.errors import AlreadyInLibrary, IngestCancelled, IngestError
from ingest_core.job_model import Job
from ingest_core.job_progress import Heartbeat, Reporter
from ingest_core.lifecycle import JobMovedOn, MoveRefused, Step
from shadowvault.metrics.families import INGEST_STEP_SECONDS
from stored_media.storage.base import BackendUnavailable

logger = logging.getLogger(__name__)
CLAIM_RETRY_SECONDS = 10
State = lifecycle.State
# (job id, step, seconds to wait) -> queue it
Schedule = Callable[[int, Step, int], None]
AnyReporter = TypeVar("AnyReporter", bound=Reporter[Any])
Result = TypeVar("Result")
# What other apps do when a job ends, registered in their AppConfig.ready() (ads: a hosted
# creative's campaign takes the video its job made). Each is called with the ended job.
_when_ended: list[Callable[[Any], None]] = []


def when_a_job_ends(callback: Callable[[Any], None]) -> None:
    """Call `callback(job)` after each job ends here (done, already in the library, failed
    or cancelled by its worker). Registering the same callback again changes nothing."""
    if callback not in _when_ended:
        _when_ended.append(callback)


@dataclass(frozen=True)
class Steps(Generic[Job, AnyReporter, Result]):
    """A vault's job as the runner drives it."""

    noun: str  # what the runner's answers and logs call a job: "job", "import job"
    claim: Callable[[int, tuple[str, ...]], Job | None]
    reporter: Callable[..., AnyReporter]  # (job, listener=...) -> the vault's Reporter
    fetch: Callable[[Job, AnyReporter], None]
    process: Callable[[Job, AnyReporter], Result]
    keep: Callable[[Job, Result], None]  # write what the job made or found on it
    out_folder: str  # the process step's outputs in the job's folder, cleared for a retry
    overrun: str  # the failure when Celery's soft time limit stops a step ({limit}: seconds)


def run_step(
    steps: Steps[Job, Any, Any],
    job_id: int,
    step: Step,
    schedule: Schedule,
    listener: Callable[[Job], None] | None = None,
) -> str:
    """Run `step` of the job if this worker can take it; say what happened."""
    try:
        job = steps.claim(job_id, lifecycle.STEP_TAKES_FROM[step])
    except (OperationalError, InterfaceError):
        # The database is away (a restart): this delivery is spent either way, and a job
        # still queued has no lease for the sweep to see; so ask again later.
        close_old_connections()
        schedule(job_id, step, CLAIM_RETRY_SECONDS)
        return f"{steps.noun} {job_id}: database unavailable, queued again"
    if job is None:
        return f"{steps.noun} {job_id}: not mine to run (finished, or running elsewhere)"
    started = time.monotonic()
    try:
        _run(steps, job, step, schedule, listener)
    except JobMovedOn as moved:
        # Taken over by another worker (or ended by another writer): its folder is not ours
        # to remove, its row not ours to write.
        logger.warning("%s %s: %s", steps.noun, job.pk, moved)
        return f"{steps.noun} {job.pk}: {moved}"
    finally:
        # By the state the step left its job in: handed on, queued for a retry, or ended.
        outcome = INGEST_STEP_SECONDS.labels(job._meta.app_label, str(step), str(job.state))
        outcome.observe(time.monotonic() - started)
    return f"{steps.noun} {job.pk}: {job.state}"


def _run(
    steps: Steps[Job, Any, Any],
    job: Job,
    step: Step,
    schedule: Schedule,
    listener: Callable[[Job], None] | None,
) -> None:
    reporter = steps.reporter(job, listener=listener)
    if job.cancel_requested:
        reporter.cancelled.set()
    try:
        with Heartbeat(reporter, every=max(1.0, settings.INGEST_LEASE_SECONDS / 4)):
            reporter.check_cancelled()
            if step == Step.FETCH:
                steps.fetch(job, reporter)
            else:
                result = steps.process(job, reporter)
        if step == Step.FETCH:
            # A cancel that lands during this last write wins: IngestCancelled, below.
            lifecycle.hand_off(job)
    except IngestCancelled:
        _end(job, State.CANCELLED, "cancelled by the operator")
    except AlreadyInLibrary as found:
        steps.keep(job, found.found)
        _end(job, State.DUPLICATE, "", note=found.note)
    except KeyboardInterrupt:
        _end(job, State.CANCELLED, "interrupted (Ctrl-C)")
        raise
    except MoveRefused:
        raise
    except IngestError as error:
        _failed(steps, job, step, error, schedule)
    except (BackendUnavailable, OperationalError, InterfaceError) as error:
        # Storage answering 503 or the database restarting is a moment's outage, as a 5xx
        # from a source is: tried again with backoff, not the job's end (bench/load.py's
        # faults). The broken connection goes first; if the database is still away, the
        # write below fails too and the sweep hands the silent job on.
        close_old_connections()
        reason = f"{type(error).__name__}: {error}".strip()
        _failed(steps, job, step, IngestError(reason, transient=True), schedule)
    except SoftTimeLimitExceeded:
        _end(job, State.FAILED, steps.overrun.format(limit=settings.INGEST_PROCESS_TIME_LIMIT))
    except Exception as error:
        logger.exception("%s %s failed in %s", steps.noun, job.pk, step)
        _end(job, State.FAILED, f"unexpected error ({type(error).__name__}): {error}")
    else:
        if step == Step.FETCH:
            schedule(job.pk, Step.PROCESS, 0)
        else:
            steps.keep(job, result)
            _end(job, State.DONE, "")


def run_inline(
    steps: Steps[Job, Any, Any], job: Job, listener: Callable[[Job], None] | None = None
) -> Job:
    """Every step, here and now (retries included, after their wait)."""
    pending: list[tuple[Step, int]] = [(lifecycle.first_step(job), 0)]

    def schedule(job_id: int, step: Step, delay: int) -> None:
        pending.append((step, delay))

    while pending:
        step, delay = pending.pop(0)
        if delay:
            time.sleep(delay)
        run_step(steps, job.pk, step, schedule, listener)
    job.refresh_from_db()
    return job


def _failed(
    steps: Steps[Job, Any, Any], job: Job, step: Step, error: IngestError, schedule: Schedule
) -> None:
    """A transient error is tried again with backoff (15 s, 30 s, ... at most 10 min) until
    INGEST_MAX_ATTEMPTS; any other ends the job with its reason."""
    if not error.transient or job.attempts >= settings.INGEST_MAX_ATTEMPTS:
        _end(job, State.FAILED, error.reason)
        return
    delay = min(600, 15 * 2 ** (job.attempts - 1))
    shutil.rmtree(job.work_dir / steps.out_folder, ignore_errors=True)
    try:
        lifecycle.retry_later(job, error.reason, delay)
    except IngestCancelled:
        _end(job, State.CANCELLED, "cancelled by the operator")
        return
    schedule(job.pk, step, delay)


def _end(job: Job, state: str, error: str, note: str = "") -> None:
    lifecycle.finish(job, state, error=error, note=note)
    shutil.rmtree(job.work_dir, ignore_errors=True)
    for callback in _when_ended:
        try:
            callback(job)
        except Exception:  # another app's hook: the job has ended all the same
            logger.exception("%s %s: a callback for its end failed", type(job).__name__, job.pk)
