"""Who runs an ingest job now: its lease, taken as every vault's job's is (`ingest_core.lease`)."""

from __future__ import annotations

from ingest_core import lease
from streaming.models import IngestJob


def claim(job_id: int, states: tuple[str, ...]) -> IngestJob | None:
    """Take the job's lease if it is in one of `states` and nobody live holds it."""
    return lease.claim(IngestJob, job_id, states)
