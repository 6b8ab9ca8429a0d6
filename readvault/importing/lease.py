"""Who runs an import job now: its lease, taken as every vault's job's is (`ingest_core.lease`)."""

from __future__ import annotations

from ingest_core import lease
from readvault.models import ImportJob


def claim(job_id: int, states: tuple[str, ...]) -> ImportJob | None:
    """Take the job's lease if it is in one of `states` and nobody live holds it."""
    return lease.claim(ImportJob, job_id, states)
