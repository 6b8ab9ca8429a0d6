"""Queueing a job's steps on Celery: downloads on the `downloads` queue, ffmpeg work on
`cpu`, so a long transcode never holds up a download and the other way round.

Tasks are sent by name: the tasks module imports the runner, which imports the steps, and
the ways in (service) must not import the tasks back.
"""

from __future__ import annotations

from celery import current_app

from streaming.ingest.runner import FETCH, first_step
from streaming.models import IngestJob

TASK_FOR_STEP = {FETCH: "streaming.tasks.ingest_fetch"}
PROCESS_TASK = "streaming.tasks.ingest_process"
QUEUE_FOR_STEP = {FETCH: "downloads"}


def queue_step(job_id: int, step: str, delay: int = 0) -> None:
    current_app.send_task(
        TASK_FOR_STEP.get(step, PROCESS_TASK),
        args=[job_id],
        queue=QUEUE_FOR_STEP.get(step, "cpu"),
        countdown=delay or None,
    )


def queue_job(job: IngestJob) -> None:
    queue_step(job.pk, first_step(job))
