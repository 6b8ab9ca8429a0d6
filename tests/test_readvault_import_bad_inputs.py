"""Bad comic sources at job level: each ends as a failed job with the archive layer's reason,
and nothing is visible or left behind (no series, no chapter, no stored object, no work
folder). URLs go through the SSRF guard (a private address is refused before any job
exists, a redirect to one fails the job); transient server errors are retried with backoff,
then fail with the attempts counted; a catalogue step that fails deletes the stored archive."""

from __future__ import annotations

import zipfile

import pytest
from django.db import IntegrityError

from ingest_core import native_download
from ingest_core.errors import SourceRefused
from readvault.importing import service
from readvault.models import Chapter, ImportJob, Page, Series
from stored_media.models import StoredObject
from tests.support.comic_imports import (
    Queued,
    leftovers,
    pages,
    run_tasks_eagerly,
    write_cbz,
)
from tests.support.comic_sources import page, write_epub, write_zip
from tests.support.http_sources import MediaFile as Served
from tests.support.http_sources import Redirect, Status, source_server
from tests.support.rar_writer import write_rar

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def eager_imports(ingest_dirs, monkeypatch) -> Queued:
    return run_tasks_eagerly(monkeypatch)


def zip_bomb(path):
    # 3 MiB of zeros deflate to about 3 KB: a thousandfold, where a page inflates ~1x.
    return write_zip(path, [("1.jpg", page(1)), ("2.jpg", bytes(3 * 2**20))], zipfile.ZIP_DEFLATED)


def traversal(path):
    return write_zip(path, [("1.jpg", page(1)), ("../../evil.jpg", page(2))])


def encrypted(path):
    return write_rar(path, [("1.jpg", page(1))], version=4, encrypted=True)


def corrupt(path):
    whole = write_rar(path, [(f"{n}.jpg", page(n)) for n in range(4)], version=5)
    whole.write_bytes(whole.read_bytes()[: whole.stat().st_size // 2])
    return whole


def text_epub(path):
    return write_epub(path, [], text_pages=3)


@pytest.mark.parametrize(
    ("make", "name", "reason"),
    [
        (zip_bomb, "Bomb c1.cbz", "zip bomb"),
        (traversal, "Escape c1.cbz", "'../../evil.jpg'"),
        (encrypted, "Locked c1.cbr", "'1.jpg' is encrypted"),
        (corrupt, "Broken c1.cbr", "truncated"),
        (text_epub, "A Novel.epub", "text book"),
    ],
    ids=["zip-bomb", "traversal", "encrypted", "corrupt", "text-epub"],
)
def test_a_bad_archive_fails_its_job_with_the_reason_and_leaves_nothing(
    alpha, eager_imports, ingest_dirs, tmp_path, make, name, reason
):
    source = make(tmp_path / name)

    [job] = service.submit_paths([source], service.Choices(tenant=alpha, via="test"))

    job.refresh_from_db()
    assert job.state == ImportJob.State.FAILED
    assert reason in job.error
    assert job.attempts == 1, "no retry for a bad archive"
    assert not Series.objects.exists()
    assert not Chapter.objects.exists()
    assert not StoredObject.objects.exists()
    assert leftovers(ingest_dirs) == []
    assert source.exists(), "the operator's file is left where it was"


@pytest.fixture
def loopback_allowed(settings, ingest_dirs, monkeypatch):
    settings.INGEST_ALLOWED_HOSTS = ["127.0.0.1"]
    settings.INGEST_STALL_TIMEOUT = 1
    settings.INGEST_DOWNLOAD_RETRIES = 0
    monkeypatch.setattr(native_download, "sleep", lambda seconds: None)
    return ingest_dirs


def submit_url(url, tenant) -> ImportJob:
    [job] = service.submit_urls([url], service.Choices(tenant=tenant, via="test"))
    job.refresh_from_db()
    return job


def test_a_url_to_an_archive_is_downloaded_and_imported(
    alpha, eager_imports, loopback_allowed, tmp_path
):
    data = write_cbz(tmp_path / "x.cbz", pages(1, 3)).read_bytes()
    with source_server() as server:
        url = server.route("/Ajin%20c017.cbz", Served(data, "application/vnd.comicbook+zip"))
        job = submit_url(url, alpha)

    assert job.state == ImportJob.State.DONE, job.error
    assert job.source_name == "Ajin c017.cbz"
    assert (job.series.title, job.chapter.number, job.chapter.page_count) == ("Ajin", 17, 3)
    assert [t[0] for t in eager_imports.tasks] == [
        "readvault.tasks.import_fetch",
        "readvault.tasks.import_process",
    ]
    assert f"downloaded {len(data):,} bytes" in job.log
    assert leftovers(loopback_allowed) == []


def test_a_url_to_a_private_address_is_refused_before_any_job_exists(alpha, settings):
    settings.INGEST_ALLOWED_HOSTS = []
    with source_server() as server:
        url = server.route("/c1.cbz", Served(b"PK"))
        with pytest.raises(SourceRefused, match=r"127\.0\.0\.1"):
            service.submit_urls([url], service.Choices(tenant=alpha, via="test"))

    assert not ImportJob.objects.exists()


def test_a_redirect_to_a_private_address_fails_the_job(alpha, eager_imports, loopback_allowed):
    with source_server() as server:
        url = server.route("/c1.cbz", Redirect("http://169.254.169.254/latest/meta-data/"))
        job = submit_url(url, alpha)

    assert job.state == ImportJob.State.FAILED
    assert "169.254.169.254" in job.error
    assert not StoredObject.objects.exists()
    assert leftovers(loopback_allowed) == []


def test_a_web_page_instead_of_an_archive_fails_with_the_reason(
    alpha, eager_imports, loopback_allowed
):
    with source_server() as server:
        url = server.route("/reader", Served(b"<!DOCTYPE html><html></html>", "text/html"))
        job = submit_url(url, alpha)

    assert job.state == ImportJob.State.FAILED
    assert "give the link to the archive file itself" in job.error


def test_a_server_error_is_retried_with_backoff_then_fails(
    alpha, eager_imports, loopback_allowed, settings
):
    settings.INGEST_MAX_ATTEMPTS = 3
    with source_server() as server:
        job = submit_url(server.route("/busy.cbz", Status(503)), alpha)
        tries = len(server.requests_to("/busy.cbz"))

    assert job.state == ImportJob.State.FAILED
    assert "503" in job.error
    assert (job.attempts, tries) == (3, 3)
    assert [t[2] for t in eager_imports.tasks] == [0, 15, 30], "queued again after 15 s, 30 s"
    assert job.log.count("trying again") == 2


def test_a_failed_catalogue_step_deletes_the_stored_archive(
    alpha, eager_imports, ingest_dirs, tmp_path, monkeypatch
):
    def no_pages(*args, **kwargs):
        raise IntegrityError("the database refused the pages")

    monkeypatch.setattr(Page.objects, "bulk_create", no_pages)
    source = write_cbz(tmp_path / "Doomed c1.cbz", pages(1, 2))

    [job] = service.submit_paths([source], service.Choices(tenant=alpha, via="test"))

    job.refresh_from_db()
    assert job.state == ImportJob.State.FAILED
    assert "the database refused the pages" in job.error
    assert not Series.objects.exists()
    assert not Chapter.objects.exists()
    assert not StoredObject.objects.exists()
    assert list((ingest_dirs / "media").rglob("*.cbz")) == []
