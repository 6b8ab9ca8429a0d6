"""Queueing a job's steps on Celery: downloads on the `downloads` queue, ffmpeg work on
`cpu` (shadowvault/task_queues.py), so a long transcode never holds up a download and the
other way round.

Tasks are sent by name: the tasks module imports the runner, which imports the steps, and
the ways in (service) must not import the tasks back.
"""

from __future__ import annotations

from ingest_core.lifecycle import Step, first_step
from shadowvault.task_queues import enqueue
from streaming.models import IngestJob

TASK_FOR_STEP = {
    Step.FETCH: "streaming.tasks.ingest_fetch",
    Step.PROCESS: "streaming.tasks.ingest_process",
}


def queue_step(job_id: int, step: Step, delay: int = 0) -> None:
    enqueue(TASK_FOR_STEP[step], job_id, delay=delay)


def queue_job(job: IngestJob) -> None:
    queue_step(job.pk, first_step(job))
