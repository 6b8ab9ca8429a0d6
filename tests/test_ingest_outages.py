"""An ingest job outlives a moment's outage of what it stands on (found by bench/load.py's
faults): storage answering 503 or the database restarting is retried with backoff, not the
job's end; a delivery whose claim meets the database away queues its step again (a queued job
has no lease for the sweep to see); and a job's heartbeat survives a database error, so that the
sweep never hands a running job to a second worker."""

from __future__ import annotations

import threading
import time
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.db import OperationalError
from django.db.models import QuerySet
from django.utils import timezone

from ingest_core.job_progress import Heartbeat
from stored_media.storage.base import BackendUnavailable
from streaming.ingest import process_step
from streaming.models import IngestJob, MediaFile
from tests.support.ingest_helpers import ingest_file, leftovers

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize(
    "outage",
    [BackendUnavailable("upload of 'x.mp4' failed: 503 ServiceUnavailable"),
     OperationalError("server closed the connection unexpectedly")],
    ids=["storage-503", "database-restart"],
)  # fmt: skip
def test_a_job_cut_by_an_outage_is_tried_again_and_done_once(
    alpha, ingest_dirs, test_media, monkeypatch, outage
):
    real_store = process_step.store_file
    calls = []

    def store_once_unavailable(*args, **kwargs):
        calls.append(args[1])
        if len(calls) == 1:
            raise outage
        return real_store(*args, **kwargs)

    monkeypatch.setattr(process_step, "store_file", store_once_unavailable)
    monkeypatch.setattr("streaming.ingest.runner.time.sleep", lambda seconds: None)
    job = ingest_file(test_media.mp4_faststart, alpha)

    assert job.state == IngestJob.State.DONE, job.error
    assert job.attempts == 2
    assert "trying again" in job.log
    assert type(outage).__name__ in job.log
    assert MediaFile.objects.filter(title=job.title).count() == 1
    assert leftovers(ingest_dirs) == []


def test_the_heartbeat_outlives_a_database_error(alpha, monkeypatch):
    long_ago = timezone.now() - timedelta(hours=1)
    job = IngestJob.objects.create(
        tenant=alpha, source="/films/x.mp4", source_kind=IngestJob.SourceKind.FILE,
        via="test", worker="elsewhere:1", heartbeat_at=long_ago,
    )  # fmt: skip
    real_update = QuerySet.update
    refused = []

    def update_failing_once(self, **fields):
        if "heartbeat_at" in fields and not refused:
            refused.append(fields)
            raise OperationalError("server closed the connection unexpectedly")
        return real_update(self, **fields)

    monkeypatch.setattr(QuerySet, "update", update_failing_once)
    reporter = SimpleNamespace(job=job, cancelled=threading.Event())
    with Heartbeat(reporter, every=0.05):  # type: ignore[arg-type]
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            if IngestJob.objects.get(pk=job.pk).heartbeat_at > long_ago:
                break
            time.sleep(0.05)

    assert refused, "the first beat met the error"
    assert IngestJob.objects.get(pk=job.pk).heartbeat_at > long_ago


def test_a_delivery_that_cannot_reach_the_database_queues_its_step_again(alpha, monkeypatch):
    """A queued job has no lease yet, so the sweep would never see it: the task whose claim
    met a restarting database asks again later instead of spending the job's only message."""
    from ingest_core import job_runner
    from streaming.ingest import runner

    job = IngestJob.objects.create(
        tenant=alpha, source="/films/x.mp4", source_kind=IngestJob.SourceKind.FILE, via="test"
    )

    def claim_refused(*_args):
        raise OperationalError("the database system is starting up")

    monkeypatch.setattr(runner, "claim", claim_refused)  # _steps() reads it at each call
    queued = []
    said = runner.run_step(job.pk, runner.PROCESS, lambda *args: queued.append(args))

    assert queued == [(job.pk, runner.PROCESS, job_runner.CLAIM_RETRY_SECONDS)]
    assert "queued again" in said
    job.refresh_from_db()
    assert job.state == IngestJob.State.QUEUED


def test_a_job_forgotten_in_the_queue_is_queued_again_once(alpha, settings, monkeypatch):
    """A queued job's message taken by a worker killed before its claim leaves no lease for
    the silent-job sweep: past INGEST_REQUEUE_SECONDS the sweep queues it again, once."""
    from streaming.ingest import sweep

    settings.INGEST_REQUEUE_SECONDS = 60
    made = [
        IngestJob.objects.create(tenant=alpha, source=f"/films/{name}.mp4", via="test",
                                 source_kind=IngestJob.SourceKind.FILE)
        for name in ("forgotten", "just-queued")
    ]  # fmt: skip
    forgotten = made[0]
    IngestJob.objects.filter(pk=forgotten.pk).update(
        updated_at=timezone.now() - timedelta(seconds=120)
    )
    queued = []
    monkeypatch.setattr(sweep, "queue_step", lambda job_id, step: queued.append((job_id, step)))

    assert sweep.requeue_stale_jobs() == [forgotten.pk]
    assert sweep.requeue_stale_jobs() == []  # its wait starts again
    assert queued == [(forgotten.pk, "process")]
    forgotten.refresh_from_db()
    assert forgotten.state == IngestJob.State.QUEUED
    assert "queued again" in forgotten.log
