"""ReadVault's Celery tasks: thin, by id, calling plain functions (queued through
shadowvault.task_queues; Celery finds this module by the apps' tasks.py autodiscovery)."""

import math

from celery import Task, shared_task
from celery.signals import worker_ready
from django.conf import settings

from readvault.importing import series_lookup
from readvault.importing.queueing import queue_step
from readvault.importing.runner import FETCH, PROCESS, run_step
from readvault.importing.sweep import remove_orphan_folders, requeue_stale_jobs
from readvault.metadata.provider import RateLimited
from readvault.models import Chapter
from readvault.pages.images import make_for_chapter
from stored_media.storage.base import BackendUnavailable


# A storage hiccup retries the chapter later; what was made stays made (the run is idempotent).
@shared_task(
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(BackendUnavailable,),
    retry_backoff=30,
    max_retries=5,
)
def make_page_images(chapter_id: int) -> str:
    chapter = Chapter.objects.select_related("series", "archive").filter(pk=chapter_id).first()
    if chapter is None:
        return f"chapter {chapter_id} no longer exists"
    return f"{len(make_for_chapter(chapter))} images made for chapter {chapter_id}"


# Import jobs (readvault.importing). acks_late + reject_on_worker_lost: a worker killed
# mid-job hands the message back, and the job runs again (run_step's lease makes a second
# delivery of a live job a no-op).
@shared_task(acks_late=True, reject_on_worker_lost=True)
def import_fetch(job_id: int) -> str:
    return run_step(job_id, FETCH, queue_step)


@shared_task(
    acks_late=True,
    reject_on_worker_lost=True,
    soft_time_limit=settings.INGEST_PROCESS_TIME_LIMIT,
    time_limit=settings.INGEST_PROCESS_TIME_LIMIT + 120,
)
def import_process(job_id: int) -> str:
    return run_step(job_id, PROCESS, queue_step)


# A skeleton series an import made (readvault.importing.series_lookup). The provider's rate
# limit (429 with Retry-After) retries the lookup after the wait it asked for; past the last
# retry the failure stays recorded on the series for the operator.
@shared_task(bind=True, max_retries=5)
def refresh_series_metadata(self: Task, series_id: int) -> str:
    try:
        return series_lookup.look_up(series_id)
    except RateLimited as limited:
        if self.request.retries >= (self.max_retries or 0):
            return f"series {series_id}: {limited}; not retried again"
        raise self.retry(countdown=math.ceil(limited.retry_after)) from None


@shared_task
def import_sweep() -> dict:
    return {
        "removed_folders": [str(p) for p in remove_orphan_folders()],
        "requeued_jobs": requeue_stale_jobs(),
    }


@worker_ready.connect
def _sweep_imports_when_a_worker_starts(**_kwargs: object) -> None:
    # A worker that crashed left its import folders behind: the next one to start clears them.
    remove_orphan_folders()
    requeue_stale_jobs()
