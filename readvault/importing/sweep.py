"""Housekeeping for import jobs, as for every vault's (`ingest_core.job_sweep`): the folders
of ended jobs are removed, silent jobs queued again on the comic steps' queues."""

from __future__ import annotations

from pathlib import Path

from ingest_core import job_sweep
from readvault.importing.queueing import queue_step
from readvault.models import ImportJob


def remove_orphan_folders() -> list[Path]:
    """Remove import job folders ("comic-<id>") whose job has ended or no longer exists;
    video's job folders are its own sweep's."""
    return job_sweep.remove_orphan_folders(ImportJob)


def requeue_stale_jobs() -> list[int]:
    """Queue the step of every import job whose worker went silent again."""
    return job_sweep.requeue_stale_jobs(ImportJob, queue_step)
