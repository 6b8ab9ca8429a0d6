"""Queueing an import job's steps on Celery: downloads on the `downloads` queue, reading and
converting pages on `cpu` (shadowvault/task_queues.py), as video's steps go; and the
metadata lookup of a series an import made, on `default`.

Tasks are sent by name: the tasks module imports the runner, which imports the steps, and
the ways in (service) must not import the tasks back.
"""

from __future__ import annotations

from ingest_core.lifecycle import Step, first_step
from readvault.models import ImportJob
from shadowvault.task_queues import enqueue

TASK_FOR_STEP = {
    Step.FETCH: "readvault.tasks.import_fetch",
    Step.PROCESS: "readvault.tasks.import_process",
}


LOOKUP_TASK = "readvault.tasks.refresh_series_metadata"


def queue_step(job_id: int, step: Step, delay: int = 0) -> None:
    enqueue(TASK_FOR_STEP[step], job_id, delay=delay)


def queue_job(job: ImportJob) -> None:
    queue_step(job.pk, first_step(job))


def queue_series_lookup(series_id: int) -> None:
    """The metadata lookup of a series an import made from names (default queue)."""
    enqueue(LOOKUP_TASK, series_id)
