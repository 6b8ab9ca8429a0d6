"""Running one step of an import job, and what happens after it, as every vault's job runs
(`ingest_core.job_runner`: the next step, a retry with backoff, or an end): here are the
comic's steps and what a job keeps of their result.

Celery tasks (readvault/tasks.py) call `run_step` with a scheduler that queues the next step
on its own queue; `run_inline` runs every step in this process (`import_comics --wait`).
"""

from __future__ import annotations

from ingest_core import job_runner, lifecycle
from ingest_core.job_runner import Schedule
from ingest_core.lifecycle import Step
from readvault.importing.fetch_step import fetch
from readvault.importing.lease import claim
from readvault.importing.process_step import OUT_FOLDER, process
from readvault.importing.progress import Listener, Reporter
from readvault.models import Chapter, ImportJob

State = lifecycle.State
FETCH, PROCESS = Step.FETCH, Step.PROCESS


def run_step(job_id: int, step: Step, schedule: Schedule, listener: Listener | None = None) -> str:
    """Run `step` of the job if this worker can take it; say what happened."""
    return job_runner.run_step(_steps(), job_id, step, schedule, listener)


def run_inline(job: ImportJob, listener: Listener | None = None) -> ImportJob:
    """Every step, here and now (retries included, after their wait)."""
    return job_runner.run_inline(_steps(), job, listener)


def _steps() -> job_runner.Steps[ImportJob, Reporter, Chapter]:
    # Made at each call from this module's names, so a stand-in a test puts here is used.
    return job_runner.Steps(
        noun="import job",
        claim=claim,
        reporter=Reporter,
        fetch=fetch,
        process=process,
        keep=_keep,
        out_folder=OUT_FOLDER,
        overrun="stopped: took longer than {limit} s",
    )


def _keep(job: ImportJob, chapter: Chapter) -> None:
    job.chapter, job.series = chapter, chapter.series
