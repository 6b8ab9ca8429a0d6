"""Ingest figures: each run of a step is timed by vault, step and the state it left its job
in, and /metrics reads the queued and running jobs from their rows."""

from __future__ import annotations

import pytest
from django.test import Client
from prometheus_client import REGISTRY
from prometheus_client.parser import text_string_to_metric_families

from ingest_core.lifecycle import State
from streaming.ingest.runner import FETCH, run_step
from streaming.models import IngestJob

pytestmark = pytest.mark.django_db


def url_job(tenant, **fields) -> IngestJob:
    return IngestJob.objects.create(
        tenant=tenant, via="test", source="https://example.com/film.mp4", source_kind="url",
        **fields,
    )  # fmt: skip


def runs(step: str, outcome: str) -> float:
    labels = {"vault": "streaming", "step": step, "outcome": outcome}
    return REGISTRY.get_sample_value("shadowvault_ingest_step_seconds_count", labels) or 0.0


def test_a_step_run_is_timed_by_the_state_it_left_the_job_in(alpha, ingest_dirs):
    job = url_job(alpha, cancel_requested=True)  # the step starts, sees the cancel, ends it
    before = runs("fetch", "cancelled")

    run_step(job.pk, FETCH, lambda *step: None)

    job.refresh_from_db()
    assert job.state == State.CANCELLED
    assert runs("fetch", "cancelled") == before + 1


def test_queued_and_running_jobs_come_from_their_rows(alpha, olivia):
    url_job(alpha)
    url_job(alpha)
    url_job(alpha, state=State.DOWNLOADING)
    url_job(alpha, state=State.DONE)
    client = Client(HTTP_HOST="a.test")
    client.force_login(olivia)

    text = client.get("/metrics").content.decode()

    jobs = {
        (s.labels["vault"], s.labels["state"]): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
        if s.name == "shadowvault_ingest_jobs"
    }
    assert jobs[("streaming", "queued")] == 2
    assert jobs[("streaming", "downloading")] == 1
    assert jobs[("readvault", "queued")] == 0
    assert ("streaming", "done") not in jobs
