"""StreamVault's Celery tasks: thin, by id, calling plain functions."""

from celery import shared_task
from celery.signals import worker_ready
from django.conf import settings

from streaming.ingest.queueing import queue_step
from streaming.ingest.runner import FETCH, PROCESS, run_step
from streaming.ingest.sweep import remove_orphan_folders, requeue_stale_jobs
from streaming.metadata.refresh import refresh_title
from streaming.models import ProgressiveRendition, Title
from streaming.progressive.cleanup import remove_rendition, sweep_replaced
from streaming.uploads.sweep import sweep_uploads as _sweep_uploads


@shared_task
def refresh_metadata(title_id: int) -> str:
    title = Title.objects.filter(pk=title_id).first()
    if title is None:
        return f"title {title_id} no longer exists"
    return refresh_title(title)


# acks_late + reject_on_worker_lost: a worker killed mid-job hands the message back, and the
# job runs again (run_step's lease makes a second delivery of a live job a no-op).
@shared_task(acks_late=True, reject_on_worker_lost=True)
def ingest_fetch(job_id: int) -> str:
    return run_step(job_id, FETCH, queue_step)


@shared_task(
    acks_late=True,
    reject_on_worker_lost=True,
    soft_time_limit=settings.INGEST_PROCESS_TIME_LIMIT,
    time_limit=settings.INGEST_PROCESS_TIME_LIMIT + 120,
)
def ingest_process(job_id: int) -> str:
    return run_step(job_id, PROCESS, queue_step)


@shared_task
def ingest_sweep() -> dict:
    return {
        "removed_folders": [str(p) for p in remove_orphan_folders()],
        "requeued_jobs": requeue_stale_jobs(),
        "removed_progressive_objects": sweep_replaced(),
    }


@shared_task
def remove_progressive(rendition_id: int) -> int:
    """Delete a rendition the final MP4 replaced (queued with PROGRESSIVE_KEEP_SECONDS delay)."""
    rendition = ProgressiveRendition.objects.filter(
        pk=rendition_id, state=ProgressiveRendition.State.REPLACED
    ).first()
    return remove_rendition(rendition) if rendition is not None else 0


@shared_task
def sweep_uploads() -> list[str]:
    return _sweep_uploads()


@worker_ready.connect
def _sweep_when_a_worker_starts(**_kwargs) -> None:
    # A worker that crashed left its job folders behind: the next one to start clears them.
    remove_orphan_folders()
    requeue_stale_jobs()
