"""Housekeeping that keeps workers stateless: folders a crashed worker left behind are
removed, and import jobs whose worker went silent are queued again (a worker lost on another
machine; on this machine a redelivered task takes over at once, see `lease`)."""

from __future__ import annotations

import logging
import re
import shutil
from pathlib import Path

from django.conf import settings

from ingest_core import lifecycle
from readvault.importing.queueing import queue_step
from readvault.models import ImportJob

logger = logging.getLogger(__name__)
# ImportJob.work_dir; video's job folders ("job-<id>") are its own sweep's.
_JOB_FOLDER = re.compile(r"^comic-(\d+)$")


def remove_orphan_folders() -> list[Path]:
    """Remove import job folders whose job has ended or no longer exists."""
    root = Path(settings.INGEST_WORK_DIR)
    if not root.is_dir():
        return []
    folders = {int(m[1]): p for p in root.iterdir() if (m := _JOB_FOLDER.match(p.name))}
    live = set(ImportJob.objects.filter(pk__in=folders).unfinished().values_list("pk", flat=True))
    removed = []
    for job_id, folder in sorted(folders.items()):
        if job_id not in live:
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder)
    if removed:
        logger.info("removed %d orphaned import folders", len(removed))
    return removed


def requeue_stale_jobs() -> list[int]:
    """Queue the step of every job whose worker went silent again (its state says which);
    a job that ended or spoke up since the sweep looked is left alone."""
    requeued = []
    for job in ImportJob.objects.stale():
        if lifecycle.requeue_silent(job):
            queue_step(job.pk, lifecycle.step_for(job))
            requeued.append(job.pk)
    return requeued
