"""Housekeeping for ingest jobs, as for every vault's (`ingest_core.job_sweep`): the folders
of ended jobs are removed, silent jobs queued again on video's queues."""

from __future__ import annotations

from pathlib import Path

from ingest_core import job_sweep
from streaming.ingest.queueing import queue_step
from streaming.models import IngestJob


def remove_orphan_folders() -> list[Path]:
    """Remove job folders ("job-<id>") whose job has ended or no longer exists."""
    return job_sweep.remove_orphan_folders(IngestJob)


def requeue_stale_jobs() -> list[int]:
    """Queue the step of every job whose worker went silent again."""
    return job_sweep.requeue_stale_jobs(IngestJob, queue_step)
