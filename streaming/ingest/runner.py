"""Running one step of an ingest job, and what happens after it, as every vault's job runs
(`ingest_core.job_runner`: the next step, a retry with backoff, or an end): here are the
video's steps and what a job keeps of their result.

Celery tasks call `run_step` with a scheduler that queues the next step on its own queue
(downloads or cpu); `run_inline` runs every step in this process (the `ingest` command and
`bootstrap`).
"""

from __future__ import annotations

import time  # noqa: F401  (job_runner waits with time.sleep; tests reach it by this name)

from ingest_core import job_runner, lifecycle
from ingest_core.job_runner import Schedule
from ingest_core.lifecycle import Step
from streaming.ingest.fetch_step import fetch
from streaming.ingest.lease import claim
from streaming.ingest.process_step import OUT_FOLDER, process
from streaming.ingest.progress import Listener, Reporter
from streaming.models import IngestJob, MediaFile

State = lifecycle.State
FETCH, PROCESS = Step.FETCH, Step.PROCESS  # the names tasks and tests use


def run_step(job_id: int, step: Step, schedule: Schedule, listener: Listener | None = None) -> str:
    """Run `step` of the job if this worker can take it; say what happened."""
    return job_runner.run_step(_steps(), job_id, step, schedule, listener)


def run_inline(job: IngestJob, listener: Listener | None = None) -> IngestJob:
    """Every step, here and now (retries included, after their wait)."""
    return job_runner.run_inline(_steps(), job, listener)


def _steps() -> job_runner.Steps[IngestJob, Reporter, MediaFile]:
    # Made at each call from this module's names, so a stand-in a test puts here is used.
    return job_runner.Steps(
        noun="job",
        claim=claim,
        reporter=Reporter,
        fetch=fetch,
        process=process,
        keep=_keep,
        out_folder=OUT_FOLDER,
        overrun="stopped: processing took longer than {limit} s",
    )


def _keep(job: IngestJob, media: MediaFile) -> None:
    job.media_file = media
    job.title = media.owner_title
