"""Who runs a job now, of any vault: a lease (worker name + heartbeat) taken with one
conditional UPDATE.

A task delivered twice (a redelivery after a worker died, the stale-job sweep) can only
run the job once: the second claim finds a live lease and gives up. A lease is free when no
worker holds it, when its heartbeat is older than INGEST_LEASE_SECONDS, or when its holder
was a process on this machine that no longer exists (a SIGKILLed pool child: the redelivered
task takes over at once instead of waiting for the lease to age).
"""

from __future__ import annotations

import os
import socket
from datetime import timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from ingest_core.job_model import Job, this_worker


def claim(model: type[Job], job_id: int, states: tuple[str, ...]) -> Job | None:
    """Take the lease of the `model` job if it is in one of `states` and nobody live holds
    it. A first start or a takeover from a lost worker counts as an attempt."""
    job = model._default_manager.filter(pk=job_id, state__in=states).first()
    if job is None:
        return None
    cutoff = timezone.now() - timedelta(seconds=settings.INGEST_LEASE_SECONDS)
    free = Q(worker="") | Q(heartbeat_at__lt=cutoff) | Q(heartbeat_at__isnull=True)
    if _holder_is_dead(job.worker):
        free |= Q(worker=job.worker)
    counts = job.started_at is None or job.worker != ""
    me = this_worker()
    taken = (
        model._default_manager.filter(free, pk=job_id, state__in=states)
        .exclude(worker=me)
        .update(
            worker=me,
            heartbeat_at=timezone.now(),
            attempts=job.attempts + (1 if counts else 0),
            started_at=job.started_at or timezone.now(),
        )
    )
    if not taken:
        return None
    job.refresh_from_db()
    return job


def _holder_is_dead(worker: str) -> bool:
    host, _, pid = worker.rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False
