"""URL jobs end to end against real HTTP servers on loopback: a good download becomes a
playable version (after resuming a dropped connection, with the right sha256); every bad
answer ends as a failed job with its reason, no media, nothing left in the work folder."""

from __future__ import annotations

import hashlib

import pytest

from ingest_core import native_download
from stored_media.models import StoredObject
from streaming.ingest import service
from streaming.ingest.runner import run_inline
from streaming.models import IngestJob, MediaFile
from tests.support.http_sources import MediaFile as Served
from tests.support.http_sources import Page, Redirect, Status, source_server
from tests.support.ingest_helpers import leftovers, not_queued

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def loopback_allowed(settings, ingest_dirs, monkeypatch):
    settings.INGEST_ALLOWED_HOSTS = ["127.0.0.1"]
    settings.INGEST_STALL_TIMEOUT = 1
    settings.INGEST_DOWNLOAD_RETRIES = 2
    settings.INGEST_MAX_ATTEMPTS = 1
    monkeypatch.setattr(native_download, "sleep", lambda seconds: None)
    return ingest_dirs


def run_url(url: str, tenant) -> IngestJob:
    [job] = service.submit_urls([url], tenant=tenant, via="test", queue=not_queued)
    return run_inline(job)


def test_a_dropped_download_resumes_and_the_result_is_stored(alpha, loopback_allowed, test_media):
    data = test_media.mkv_h264_aac_srt.read_bytes()
    with source_server() as server:
        url = server.route("/Dropped.Film.2021.mkv", Served(data, "video/x-matroska",
                                                             drop_first=1))  # fmt: skip
        job = run_url(url, alpha)
        ranges = [
            seen.headers.get("range") for seen in server.requests_to("/Dropped.Film.2021.mkv")
        ]

    assert job.state == IngestJob.State.DONE, job.error
    assert any(r and r != "bytes=0-" for r in ranges), "the second request resumed"
    assert job.title.title == "Dropped Film"
    assert "downloaded" in job.log
    assert leftovers(loopback_allowed) == []
    assert hashlib.sha256(data).hexdigest() != job.media_file.stored.sha256  # remuxed to MP4
    assert job.media_file.subtitles.count() == 2


@pytest.mark.parametrize(
    ("behaviour", "reason"),
    [
        (Status(404), "404"),
        (Status(403), "403"),
        (Page(), "no video"),
        (Served(b"\x00" * 2000, "video/mp4"), "not a media file"),
        (Served(b"\x00" * 4096, "video/mp4", stall_first=10), "stall"),
        (Redirect("http://169.254.169.254/latest/meta-data/"), "169.254.169.254"),
    ],
    ids=["404", "403", "html-without-video", "garbage", "stalls", "redirect-to-metadata"],
)
def test_a_bad_url_fails_cleanly_with_its_reason(alpha, loopback_allowed, behaviour, reason):
    with source_server() as server:
        job = run_url(server.route("/thing", behaviour), alpha)

    assert job.state == IngestJob.State.FAILED
    assert reason in job.error.lower()
    assert not MediaFile.objects.exists()
    assert not StoredObject.objects.exists()
    assert leftovers(loopback_allowed) == []


def test_a_file_over_the_size_cap_fails_before_downloading(alpha, loopback_allowed, settings):
    settings.INGEST_MAX_BYTES = 1024
    with source_server() as server:
        job = run_url(server.route("/big.mp4", Served(b"\x00" * 4096)), alpha)

    assert job.state == IngestJob.State.FAILED
    assert "larger than INGEST_MAX_BYTES" in job.error
    assert leftovers(loopback_allowed) == []


def test_a_server_error_is_retried_then_fails_with_the_attempts_counted(
    alpha, loopback_allowed, settings, monkeypatch
):
    settings.INGEST_MAX_ATTEMPTS = 2
    monkeypatch.setattr("streaming.ingest.runner.time.sleep", lambda seconds: None)
    with source_server() as server:
        job = run_url(server.route("/busy.mp4", Status(503)), alpha)
        tries = len(server.requests_to("/busy.mp4"))

    assert job.state == IngestJob.State.FAILED
    assert "503" in job.error
    assert job.attempts == 2
    assert tries == 2
    assert "trying again" in job.log
