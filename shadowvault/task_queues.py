"""Which queue each Celery task runs on, and the one way to queue a task.

Queues by kind of work, so short jobs never wait behind a long download or transcode:
`default` (short housekeeping), `downloads` (network bound), `cpu` (ffmpeg). Celery's routes
(settings.CELERY_TASK_ROUTES) are made from this table, and `enqueue` names the queue from it
too, so a task cannot go to one queue from one caller and another from the next.

Tasks are queued by name, so that no caller imports a tasks module (the tasks import the
ingest pipeline, which queues tasks: a cycle otherwise). A name missing from the table is a
KeyError at the caller, not a message no worker consumes.
"""

from __future__ import annotations

from celery import current_app

DEFAULT, DOWNLOADS, CPU = "default", "downloads", "cpu"
WORKER_QUEUES = [DEFAULT, DOWNLOADS, CPU]  # what `runall` starts a worker for
# Names stay as they are: queued messages and beat entries name them.
QUEUE_FOR_TASK = {
    "shadowvault.tasks.ping": DEFAULT,
    "shadowvault.tasks.clear_expired_sessions": DEFAULT,
    "streaming.tasks.refresh_metadata": DEFAULT,
    "streaming.tasks.ingest_fetch": DOWNLOADS,
    "streaming.tasks.ingest_process": CPU,
    "streaming.tasks.ingest_sweep": DEFAULT,
    "streaming.tasks.sweep_uploads": DEFAULT,
    "streaming.tasks.remove_progressive": DEFAULT,
    "readvault.tasks.make_page_images": CPU,
    "readvault.tasks.import_fetch": DOWNLOADS,
    "readvault.tasks.import_process": CPU,
    "readvault.tasks.import_sweep": DEFAULT,
    "readvault.tasks.refresh_series_metadata": DEFAULT,
    "tenants.tasks.suspend_overdue_sites": DEFAULT,
    "tenants.tasks.remove_closed_site_data": DEFAULT,
    "tenants.tasks.recheck_pending_domains": DEFAULT,
    "figures.tasks.roll_up_day": DEFAULT,
    "ads.tasks.prune_impressions": DEFAULT,
    "audit.tasks.forget_old_events": DEFAULT,
}


def celery_routes() -> dict[str, dict[str, str]]:
    """The table as Celery's `task_routes` (beat's messages are routed by it)."""
    return {name: {"queue": queue} for name, queue in QUEUE_FOR_TASK.items()}


def enqueue(name: str, *args: object, delay: int = 0) -> None:
    """Send task `name` with `args` to its queue, to run after `delay` seconds. Inside a
    transaction, call it from `transaction.on_commit`: a worker must find the rows."""
    current_app.send_task(
        name, args=list(args), queue=QUEUE_FOR_TASK[name], countdown=delay or None
    )
