"""Import jobs share video's job machinery (ingest_core): only the life cycle writes a job's
state; a job runs under a lease, so a second delivery does nothing; a cancel request reaches
a running job; a job whose worker went silent is queued again by the sweep, and folders of
ended jobs are removed (video's are its own sweep's); a worker lost between cataloguing and
the job's end leaves a job that, run again, ends done."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from ingest_core.lifecycle import Step
from readvault.importing import queueing, service, sweep
from readvault.importing.lease import claim
from readvault.importing.runner import run_inline, run_step
from readvault.models import Chapter, ImportJob
from readvault.models.imports import this_worker
from tests.support.comic_imports import leftovers, pages, write_cbz
from tests.test_ingest_lifecycle import _state_writes

pytestmark = pytest.mark.django_db(transaction=True)
ROOT = Path(__file__).resolve().parent.parent


def not_queued(job: ImportJob) -> None:
    """The queue for jobs a test runs itself."""


def queued_file_job(tenant, path: Path) -> ImportJob:
    [job] = service.submit_paths(
        [path], service.Choices(tenant=tenant, via="test", queue=not_queued)
    )
    return job


def test_only_the_life_cycle_writes_an_import_jobs_state():
    sources = [
        path
        for folder in ("readvault/importing", "readvault/api", "readvault/management")
        for path in (ROOT / folder).rglob("*.py")
    ] + [ROOT / "readvault" / "tasks.py"]

    assert [w for source in sources for w in _state_writes(source.relative_to(ROOT))] == []


def test_a_second_delivery_of_a_running_job_does_nothing(alpha, ingest_dirs, tmp_path):
    job = queued_file_job(alpha, write_cbz(tmp_path / "Twice c1.cbz", pages(1, 2)))
    ImportJob.objects.filter(pk=job.pk).update(
        worker="elsewhere:1", heartbeat_at=timezone.now(), started_at=timezone.now()
    )

    said = run_step(job.pk, Step.PROCESS, lambda *args: None)

    assert "not mine to run" in said
    assert ImportJob.objects.get(pk=job.pk).state == ImportJob.State.QUEUED
    assert not Chapter.objects.exists()


def test_a_cancel_request_stops_a_running_job(alpha, ingest_dirs, tmp_path):
    job = queued_file_job(alpha, write_cbz(tmp_path / "Stop c1.cbz", pages(1, 2)))

    def cancel_when_it_runs(current: ImportJob) -> None:
        if current.state == ImportJob.State.PROBING:
            service.cancel(ImportJob.objects.get(pk=current.pk))

    job = run_inline(job, listener=cancel_when_it_runs)

    assert job.state == ImportJob.State.CANCELLED
    assert job.error == "cancelled by the operator"
    assert not Chapter.objects.exists()
    assert leftovers(ingest_dirs) == []


def test_the_sweep_queues_a_silent_job_again_and_removes_ended_jobs_folders(
    alpha, ingest_dirs, tmp_path, monkeypatch, settings
):
    sent = []
    monkeypatch.setattr(queueing, "enqueue", lambda name, *args, delay=0: sent.append((name, args)))
    silent = queued_file_job(alpha, write_cbz(tmp_path / "Silent c1.cbz", pages(1, 2)))
    ImportJob.objects.filter(pk=silent.pk).update(
        state=ImportJob.State.PROCESSING,
        worker="gone:1",
        heartbeat_at=timezone.now() - timedelta(seconds=settings.INGEST_LEASE_SECONDS + 5),
    )
    ended = queued_file_job(alpha, write_cbz(tmp_path / "Ended c1.cbz", pages(1, 2)))
    service.cancel(ended)
    work = ingest_dirs / "work"
    for folder in (ended.work_dir, silent.work_dir, work / "job-999", work / "comic-999"):
        (folder / "source").mkdir(parents=True)

    removed = sweep.remove_orphan_folders()
    requeued = sweep.requeue_stale_jobs()

    assert sorted(p.name for p in removed) == sorted([ended.work_dir.name, "comic-999"])
    assert (work / "job-999").exists(), "video's job folders are its own sweep's"
    assert silent.work_dir.exists()
    assert requeued == [silent.pk]
    assert sent == [("readvault.tasks.import_process", (silent.pk,))]
    assert "stopped reporting" in ImportJob.objects.get(pk=silent.pk).log


def test_a_job_whose_chapter_went_in_before_its_worker_was_lost_ends_done(
    alpha, ingest_dirs, tmp_path
):
    source = write_cbz(tmp_path / "Lost c1.cbz", pages(1, 2))
    first = run_inline(queued_file_job(alpha, source))
    job = queued_file_job(alpha, tmp_path / "Lost c1.cbz")
    # As if its worker died right after the catalogue's commit: chapter recorded, not ended.
    ImportJob.objects.filter(pk=job.pk).update(
        chapter=first.chapter, series=first.series, state=ImportJob.State.UPLOADING
    )

    job = run_inline(ImportJob.objects.get(pk=job.pk))

    assert job.state == ImportJob.State.DONE
    assert job.chapter == first.chapter
    assert Chapter.objects.count() == 1


def test_a_lease_is_taken_once_and_a_takeover_counts_as_an_attempt(alpha, ingest_dirs, tmp_path):
    job = queued_file_job(alpha, write_cbz(tmp_path / "Lease c1.cbz", pages(1, 2)))

    mine = claim(job.pk, (ImportJob.State.QUEUED,))
    again = claim(job.pk, (ImportJob.State.QUEUED,))

    assert mine is not None
    assert mine.worker == this_worker()
    assert mine.attempts == 1
    assert again is None
