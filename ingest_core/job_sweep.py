"""Housekeeping that keeps workers stateless, for any vault's jobs: folders a crashed worker
left behind are removed, and jobs whose worker went silent are queued again (a worker lost
on another machine; on this machine a redelivered task takes over at once, see `lease`).

Each vault sweeps its own job class: its folders are "<WORK_DIR_PREFIX>-<id>" under
INGEST_WORK_DIR, beside the other vault's, which it leaves alone.
"""

from __future__ import annotations

import logging
import re
import shutil
from collections.abc import Callable
from pathlib import Path

from django.conf import settings

from ingest_core import lifecycle
from ingest_core.job_model import JobBase
from ingest_core.lifecycle import Step

logger = logging.getLogger(__name__)


def remove_orphan_folders(model: type[JobBase]) -> list[Path]:
    """Remove `model` job folders whose job has ended or no longer exists."""
    root = Path(settings.INGEST_WORK_DIR)
    if not root.is_dir():
        return []
    named = re.compile(rf"^{re.escape(model.WORK_DIR_PREFIX)}-(\d+)$")
    folders = {int(m[1]): p for p in root.iterdir() if (m := named.match(p.name))}
    jobs = model._default_manager.filter(pk__in=folders)
    live = set(jobs.unfinished().values_list("pk", flat=True))
    removed = []
    for job_id, folder in sorted(folders.items()):
        if job_id not in live:
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder)
    if removed:
        logger.info("removed %d orphaned %s folders", len(removed), model._meta.verbose_name)
    return removed


def requeue_stale_jobs(model: type[JobBase], queue_step: Callable[[int, Step], None]) -> list[int]:
    """Queue the step of every `model` job whose worker went silent again (its state says
    which); a job that ended or spoke up since the sweep looked is left alone."""
    requeued = []
    for job in model._default_manager.stale():
        if lifecycle.requeue_silent(job):
            queue_step(job.pk, lifecycle.step_for(job))
            requeued.append(job.pk)
    for job in model._default_manager.forgotten():
        if lifecycle.requeue_forgotten(job):
            queue_step(job.pk, lifecycle.step_for(job))
            requeued.append(job.pk)
    return requeued
