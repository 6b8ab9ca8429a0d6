"""A real Celery worker runs ingest jobs: the job goes through the `cpu` queue, and when the
worker's pool process is killed (SIGKILL) in the middle of a transcode, the message comes
back (acks_late + reject_on_worker_lost), a new pool process takes the job over and
finishes it; nothing partial was visible meanwhile and no orphan folder remains."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest
from django.conf import settings
from django.db import connection

from stored_media.models import StoredObject
from streaming.ingest import service
from streaming.models import IngestJob, MediaFile
from tests.support.http_sources import serve_file
from tests.support.media_factory import ffmpeg
from tests.support.services import REPO, stop

pytestmark = pytest.mark.django_db(transaction=True)


def database_url() -> str:
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    return f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


@pytest.fixture
def worker_env(tmp_path):
    assert connection.vendor != "sqlite" or "memory" not in str(connection.settings_dict["NAME"])
    dirs = {name: tmp_path / name for name in ("work", "media")}
    for folder in dirs.values():
        folder.mkdir()
    return {
        **os.environ,
        "DATA_DIR": str(settings.DATA_DIR),  # the broker folders this test process sends to
        "DATABASE_URL": database_url(),
        "INGEST_WORK_DIR": str(dirs["work"]),
        "MEDIA_ROOT": str(dirs["media"]),
        "INGEST_LEASE_SECONDS": "5",
        # The slowest preset makes the transcode take long enough to kill it half-way.
        "INGEST_TRANSCODE_PRESET": "slower",
        "INGEST_MIN_FREE_BYTES": "0",
        "TMDB_API_KEY": "",
        "INGEST_ALLOWED_HOSTS": "127.0.0.1",  # the test's HTTP source
    }


@pytest.fixture
def worker(worker_env):
    command = [
        sys.executable, "-m", "celery", "-A", "shadowvault", "worker",
        "--queues", "downloads,cpu", "--concurrency", "1", "--pool", "prefork",
        "--loglevel", "INFO", "--without-gossip", "--without-mingle", "--without-heartbeat",
    ]  # fmt: skip
    log = open(os.path.join(worker_env["INGEST_WORK_DIR"], "..", "worker.log"), "w")  # noqa: SIM115
    process = subprocess.Popen(command, cwd=REPO, env=worker_env, stdout=log, stderr=log)
    yield process
    stop(process)
    log.close()


@pytest.fixture
def slow_source(tmp_path):
    path = tmp_path / "The Long Take (1999).ts"
    ffmpeg(
        # Small, so the two transcodes (the killed one and the one that finishes) stay cheap,
        # yet long enough at the slowest preset for progress to show before the kill.
        *("-f", "lavfi", "-i", "testsrc2=size=640x360:rate=25:duration=10"),
        *("-f", "lavfi", "-i", "sine=frequency=330:duration=10"),
        *("-c:v", "mpeg2video", "-q:v", "4", "-c:a", "ac3", "-f", "mpegts", str(path)),
    )
    return path


def wait_for(job: IngestJob, predicate, timeout: float, what: str, worker=None) -> IngestJob:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if predicate(job):
            return job
        assert worker is None or worker.poll() is None, "the worker exited"
        time.sleep(0.2)
    raise AssertionError(f"gave up waiting for {what}: job is {job.state}, {job.log}")


def test_a_killed_worker_process_job_runs_again_and_finishes(
    alpha, worker, worker_env, slow_source
):
    [job] = service.submit_paths([slow_source], tenant=alpha, via="test")

    job = wait_for(
        job,
        lambda j: j.state == "processing" and (j.step_progress or 0) > 0.05,
        90,
        "the transcode to start",
        worker,
    )
    pool_pid = int(job.worker.rsplit(":", 1)[1])
    assert pool_pid != worker.pid, "the job runs in a pool process, not the main worker"
    os.kill(pool_pid, signal.SIGKILL)
    # Live already as a progressive rendition, perhaps; never with a final file.
    assert not MediaFile.objects.filter(stored__isnull=False).exists()

    job = wait_for(job, lambda j: j.is_finished, 180, "the job to finish", worker)

    assert job.state == IngestJob.State.DONE, job.error
    assert job.attempts == 2
    assert job.media_file.video_codec == "h264"
    # The first attempt's progressive rendition was taken down: one version of the film.
    assert MediaFile.objects.get() == job.media_file
    final_objects = StoredObject.objects.filter(segment__isnull=True, init_of__isnull=True)
    assert final_objects.count() == 3  # the video, the sprite and its track
    assert os.listdir(worker_env["INGEST_WORK_DIR"]) == []


def test_a_worker_runs_a_url_job_through_both_queues(alpha, worker, worker_env, test_media,
                                                     settings):  # fmt: skip
    settings.INGEST_ALLOWED_HOSTS = ["127.0.0.1"]
    with serve_file(test_media.mkv_h264_aac_srt) as url:
        [job] = service.submit_urls([url], tenant=alpha, via="test")
        job = wait_for(job, lambda j: j.is_finished, 90, "the job to finish", worker)

    assert job.state == IngestJob.State.DONE, job.error
    assert job.media_file.subtitles.count() == 2
