"""The same content ingested twice (issue 12): the second job ends as "already in the
library as <title>, version <n>", adds no version and stores nothing; "keep a second copy"
ingests it all the same. Real ffprobe/ffmpeg, real storage, real HTTP for URLs."""

from __future__ import annotations

import shutil

import pytest
from django.core.management import call_command

from stored_media.models import StoredObject
from streaming.ingest import service
from streaming.ingest.runner import run_inline
from streaming.models import IngestJob, MediaFile, Title
from tests.support.http_sources import MediaFile as Served
from tests.support.http_sources import source_server
from tests.support.ingest_helpers import ingest_file, leftovers, not_queued

pytestmark = pytest.mark.django_db(transaction=True)
DONE, DUPLICATE = IngestJob.State.DONE, IngestJob.State.DUPLICATE


@pytest.fixture
def film(ingest_dirs, test_media):
    path = ingest_dirs / "Moon Harbor (2019).mkv"
    shutil.copy(test_media.mkv_h264_aac_srt, path)
    return path


def test_the_same_file_twice_makes_one_version_and_the_second_job_says_so(alpha, film):
    first = ingest_file(film, alpha)
    stored = StoredObject.objects.count()

    second = ingest_file(film, alpha)

    assert first.state == DONE, first.error
    assert second.state == DUPLICATE, second.error
    assert second.is_finished
    assert second.error == ""
    assert second.percent == 100
    assert second.note == "already in the library as Moon Harbor (2019), version 1 (180p)"
    assert second.media_file == first.media_file
    assert second.title == first.title
    assert MediaFile.objects.count() == 1
    assert StoredObject.objects.count() == stored, "nothing new was stored"
    assert "already in the library (the same sha256)" in second.log
    assert leftovers(film.parent) == []


def test_keep_a_second_copy_ingests_it_anyway(alpha, film):
    first = ingest_file(film, alpha)

    second = ingest_file(film, alpha, keep_copy=True)

    assert (first.state, second.state) == (DONE, DONE), second.error
    assert first.title.media_files.count() == 2
    assert Title.objects.count() == 1


def test_a_duplicate_job_can_be_kept_as_a_second_copy_afterwards(alpha, film):
    ingest_file(film, alpha)
    duplicate = ingest_file(film, alpha)

    again = run_inline(service.keep_a_copy(duplicate, queue=not_queued))

    assert again.keep_copy
    assert again.state == DONE, again.error
    assert MediaFile.objects.count() == 2
    with pytest.raises(service.SourceRefused):
        service.retry(duplicate, queue=not_queued)


def test_a_file_kept_as_it_is_is_recognised_by_the_stored_sha256(alpha, ingest_dirs, test_media):
    """Even without the earlier job's record (jobs are deleted, or came before this check)."""
    first = ingest_file(test_media.mp4_faststart, alpha)
    IngestJob.objects.filter(pk=first.pk).delete()

    second = ingest_file(test_media.mp4_faststart, alpha)

    assert second.state == DUPLICATE, second.error
    assert second.media_file == first.media_file


def test_a_source_not_hashed_yet_is_recognised_by_size_and_probe_facts(alpha, film):
    first = ingest_file(film, alpha)
    # As while the first job is still hashing after going live (hash_later), or when its
    # hashing failed: neither its source's nor its stored video's sha256 is known.
    IngestJob.objects.filter(pk=first.pk).update(source_sha256="")
    StoredObject.objects.filter(pk=first.media_file.stored_id).update(sha256="")

    second = ingest_file(film, alpha)

    assert second.state == DUPLICATE, second.error
    assert "the same size and probe facts" in second.log
    assert MediaFile.objects.count() == 1


def test_same_size_and_facts_but_another_sha256_is_not_a_duplicate(alpha, film):
    first = ingest_file(film, alpha)
    IngestJob.objects.filter(pk=first.pk).update(source_sha256="0" * 64)

    second = ingest_file(film, alpha)

    assert second.state == DONE, second.error
    assert MediaFile.objects.count() == 2


def test_the_same_url_twice(alpha, settings, ingest_dirs, test_media, monkeypatch):
    settings.INGEST_ALLOWED_HOSTS = ["127.0.0.1"]
    data = test_media.mkv_h264_aac_srt.read_bytes()
    with source_server() as server:
        url = server.route("/Harbour.Lights.2020.mkv", Served(data, "video/x-matroska"))
        jobs = [
            run_inline(service.submit_urls([url], tenant=alpha, via="test", queue=not_queued)[0])
            for _ in range(2)
        ]

    assert [job.state for job in jobs] == [DONE, DUPLICATE], jobs[1].error
    assert jobs[1].note.startswith("already in the library as Harbour Lights (2020), version 1")
    assert MediaFile.objects.count() == 1
    assert leftovers(ingest_dirs) == []


def test_an_episode_already_in_the_library_is_named_with_its_episode(
    alpha, ingest_dirs, test_media
):
    episode = ingest_dirs / "Night.Shift.S02E05.mkv"
    shutil.copy(test_media.mkv_h264_aac_srt, episode)
    ingest_file(episode, alpha)

    again = ingest_file(episode, alpha)

    assert again.state == DUPLICATE
    assert again.note.startswith("already in the library as Night Shift S02E05")
    assert ", version 1" in again.note


def test_the_command_reports_a_duplicate_and_keeps_a_copy_when_told(alpha, film, capsys):
    call_command("ingest", str(film))
    call_command("ingest", str(film))
    said = capsys.readouterr().out
    call_command("ingest", "--keep-copy", str(film))

    assert "already in the library as Moon Harbor (2019), version 1" in said
    assert "--keep-copy" in said
    assert MediaFile.objects.count() == 2


def test_the_admin_shows_the_outcome_and_offers_a_second_copy(alpha, olivia, film):
    from django.test import Client

    ingest_file(film, alpha)
    duplicate = ingest_file(film, alpha)
    client = Client(HTTP_HOST="a.test")
    client.force_login(olivia)

    listing = client.get("/admin/streaming/ingestjob/").content.decode()
    live = client.get(f"/admin/streaming/ingestjob/live/?ids={duplicate.pk}").json()
    form = client.get("/admin/streaming/ingestjob/submit/").content.decode()

    assert "Already in the library" in listing
    assert "already in the library as Moon Harbor (2019), version 1" in listing
    assert live["jobs"][str(duplicate.pk)]["finished"] is True
    assert live["jobs"][str(duplicate.pk)]["error"].startswith("already in the library")
    assert 'name="keep_copy"' in form
    assert "Keep a second copy" in form


@pytest.mark.django_db
def test_the_api_takes_keep_copy_and_shows_the_note(alpha, olivia, settings, monkeypatch):
    from rest_framework.test import APIClient

    from streaming.api.token_store import issue_token
    from streaming.ingest import queueing

    monkeypatch.setattr(queueing, "queue_step", lambda *args, **kwargs: None)
    settings.INGEST_ALLOWED_HOSTS = ["example.com"]
    client = APIClient(HTTP_HOST="a.test")
    client.credentials(HTTP_AUTHORIZATION=f"Token {issue_token(olivia, alpha, 'test').key}")

    created = client.post(
        "/api/ingest/", {"urls": ["http://example.com/a.mp4"], "keep_copy": True}, format="json"
    )

    assert created.status_code == 201
    assert created.json()[0]["keep_copy"] is True
    assert created.json()[0]["note"] == ""
    assert IngestJob.objects.get().keep_copy
