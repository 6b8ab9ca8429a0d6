"""The job's life outside its steps: submitting refuses bad input before a job exists,
a lease lets one worker run a job at a time, cancel and retry, and the sweeps."""

from __future__ import annotations

import os
import subprocess

import pytest
from django.utils import timezone

from ingest_core.errors import SourceRefused
from streaming.ingest import lease, service, sweep
from streaming.ingest.runner import FETCH, PROCESS, run_step
from streaming.models import IngestJob
from streaming.models.ingest import this_worker
from tests.support.ingest_helpers import not_queued

pytestmark = pytest.mark.django_db


def url_job(tenant, url="https://example.com/film.mp4", **fields) -> IngestJob:
    return IngestJob.objects.create(
        tenant=tenant, via="test", source=url, source_kind=IngestJob.SourceKind.URL, **fields
    )


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("http://127.0.0.1/x.mp4", "loopback"),
        ("http://169.254.169.254/latest/meta-data/", "link-local"),
        ("http://10.1.2.3/film.mkv", "private"),
        ("ftp://example.com/film.mkv", "http"),
        ("file:///etc/passwd", "http"),
        ("not a url", "http"),
    ],
)
def test_a_refused_url_creates_no_job(alpha, url, words):
    with pytest.raises(SourceRefused) as refused:
        service.submit_urls([url], tenant=alpha, via="test", queue=not_queued)

    assert words in str(refused.value).lower()
    assert not IngestJob.objects.exists()


def test_one_bad_url_in_a_paste_refuses_the_whole_paste(alpha, settings):
    settings.INGEST_ALLOWED_HOSTS = ["example.com"]
    with pytest.raises(SourceRefused, match=r"127\.0\.0\.1"):
        service.submit_urls(
            ["http://example.com/a.mp4", "http://127.0.0.1/b.mp4"],
            tenant=alpha,
            via="test",
            queue=not_queued,
        )
    assert not IngestJob.objects.exists()


def test_paths_outside_the_import_folder_are_refused(alpha, ingest_dirs):
    (ingest_dirs / "import" / "inside.mkv").write_bytes(b"x")
    outside = ingest_dirs / "outside.mkv"
    outside.write_bytes(b"x")
    (ingest_dirs / "import" / "sneaky.mkv").symlink_to(outside)
    root = ingest_dirs / "import"

    for path in ("../outside.mkv", str(outside), "sneaky.mkv"):
        with pytest.raises(SourceRefused, match="outside the import folder"):
            service.submit_paths([path], tenant=alpha, via="t", within=root, queue=not_queued)
    [job] = service.submit_paths(["."], tenant=alpha, via="t", within=root, queue=not_queued)

    assert job.source == str(root / "inside.mkv"), "the link pointing out was not followed"


def test_a_folder_without_videos_says_what_it_looked_for(alpha, ingest_dirs):
    (ingest_dirs / "import" / "readme.txt").write_text("hello")

    with pytest.raises(SourceRefused, match=r"no video files found.*\.mkv"):
        service.submit_paths(
            ["."], tenant=alpha, via="t", within=ingest_dirs / "import", queue=not_queued
        )


def test_jobs_are_queued_only_when_the_transaction_commits(
    alpha, ingest_dirs, django_capture_on_commit_callbacks
):
    queued = []
    (ingest_dirs / "import" / "a.mkv").write_bytes(b"x")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        service.submit_paths(["a.mkv"], tenant=alpha, via="t", within=ingest_dirs / "import",
                             queue=queued.append)  # fmt: skip
    assert queued == []
    for callback in callbacks:
        callback()
    assert [job.source_name for job in queued] == ["a.mkv"]


def test_a_live_lease_is_not_taken_twice(alpha):
    job = url_job(alpha)

    first = lease.claim(job.pk, (IngestJob.State.QUEUED,))
    IngestJob.objects.filter(pk=job.pk).update(worker="elsewhere:1")
    second = lease.claim(job.pk, (IngestJob.State.QUEUED,))

    assert first is not None
    assert first.attempts == 1
    assert second is None


def test_a_stale_lease_is_taken_over_and_counts_an_attempt(alpha, settings):
    settings.INGEST_LEASE_SECONDS = 30
    old = timezone.now() - timezone.timedelta(seconds=31)
    job = url_job(alpha, worker="gone:1", heartbeat_at=old, attempts=1, started_at=old,
                  state=IngestJob.State.DOWNLOADING)  # fmt: skip

    taken = lease.claim(job.pk, (IngestJob.State.DOWNLOADING,))

    assert taken.worker == this_worker()
    assert taken.attempts == 2


def test_the_lease_of_a_dead_process_on_this_machine_is_free_at_once(alpha):
    dead = subprocess.Popen(["true"])
    dead.wait()
    holder = this_worker().rsplit(":", 1)[0] + f":{dead.pid}"
    job = url_job(alpha, worker=holder, heartbeat_at=timezone.now(), started_at=timezone.now(),
                  state=IngestJob.State.PROCESSING)  # fmt: skip

    assert lease.claim(job.pk, (IngestJob.State.PROCESSING,)) is not None


def test_a_live_process_on_this_machine_keeps_its_lease(alpha):
    holder = this_worker().rsplit(":", 1)[0] + f":{os.getppid()}"
    job = url_job(alpha, worker=holder, heartbeat_at=timezone.now(), started_at=timezone.now(),
                  state=IngestJob.State.PROCESSING)  # fmt: skip

    assert lease.claim(job.pk, (IngestJob.State.PROCESSING,)) is None


def test_a_finished_job_is_never_run_again(alpha):
    job = url_job(alpha, state=IngestJob.State.DONE)

    assert "not mine" in run_step(job.pk, FETCH, lambda *a: None)
    assert "not mine" in run_step(job.pk, PROCESS, lambda *a: None)


def test_cancelling_a_queued_job_ends_it_at_once(alpha, ingest_dirs):
    job = url_job(alpha)
    job.work_dir.mkdir(parents=True)

    service.cancel(job)

    job.refresh_from_db()
    assert job.state == IngestJob.State.CANCELLED
    assert not job.work_dir.exists()


def test_cancelling_a_running_job_asks_it_to_stop(alpha, ingest_dirs):
    job = url_job(alpha, state=IngestJob.State.DOWNLOADING, worker="w:1")

    service.cancel(job)

    job.refresh_from_db()
    assert job.state == IngestJob.State.DOWNLOADING
    assert job.cancel_requested


def test_a_cancel_requested_before_the_step_starts_ends_it_cancelled(alpha, ingest_dirs):
    job = url_job(alpha, cancel_requested=True, state=IngestJob.State.DOWNLOADING)

    run_step(job.pk, FETCH, lambda *a: None)

    job.refresh_from_db()
    assert job.state == IngestJob.State.CANCELLED


def test_retry_makes_a_new_job_and_keeps_the_failed_one(alpha):
    failed = url_job(alpha, state=IngestJob.State.FAILED, error="the server answered 503")

    again = service.retry(failed, queue=not_queued)

    assert again.pk != failed.pk
    assert again.source == failed.source
    assert again.state == IngestJob.State.QUEUED
    with pytest.raises(SourceRefused):
        service.retry(again)


def test_orphaned_folders_are_swept_and_live_ones_kept(alpha, ingest_dirs):
    running = url_job(alpha, state=IngestJob.State.DOWNLOADING)
    finished = url_job(alpha, state=IngestJob.State.FAILED)
    for job_id in (running.pk, finished.pk, 999_999):
        (ingest_dirs / "work" / f"job-{job_id}" / "source").mkdir(parents=True)
    (ingest_dirs / "work" / "not-a-job").mkdir()

    removed = sweep.remove_orphan_folders()

    assert sorted(p.name for p in removed) == [f"job-{finished.pk}", "job-999999"]
    assert running.work_dir.exists()
    assert (ingest_dirs / "work" / "not-a-job").exists()


def test_jobs_whose_worker_went_silent_are_queued_again(alpha, settings, monkeypatch):
    settings.INGEST_LEASE_SECONDS = 30
    queued = []
    monkeypatch.setattr(sweep, "queue_step", lambda job_id, step: queued.append((job_id, step)))
    old = timezone.now() - timezone.timedelta(seconds=60)
    silent = url_job(alpha, state=IngestJob.State.PROCESSING, worker="w:1", heartbeat_at=old)
    url_job(alpha, state=IngestJob.State.DOWNLOADING, worker="w:2", heartbeat_at=timezone.now())
    url_job(alpha, state=IngestJob.State.DONE, worker="", heartbeat_at=old)

    assert sweep.requeue_stale_jobs() == [silent.pk]
    assert queued == [(silent.pk, PROCESS)]
