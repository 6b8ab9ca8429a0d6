"""Files through the whole pipeline (real ffprobe/ffmpeg, real storage, the catalogue):
each good file ends as a playable version of the right title; each bad one as a failed job
with its reason, nothing in storage, nothing a viewer could see, no temporary files."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import time

import pytest

from stored_media import signing
from stored_media.models import StoredObject
from stored_media.storage import get_backend
from streaming.ingest import process_step, service
from streaming.ingest.faststart import is_faststart
from streaming.ingest.probe import probe
from streaming.ingest.runner import run_inline
from streaming.models import IngestJob, MediaFile, Title
from tests.support.http_probe import fetch
from tests.support.ingest_helpers import ingest_file, leftovers
from tests.support.serving import nginx_gateway, uvicorn_in_thread

pytestmark = pytest.mark.django_db(transaction=True)
DONE, FAILED = IngestJob.State.DONE, IngestJob.State.FAILED


def stored_path(obj: StoredObject):
    return get_backend(obj.backend).local_path(obj.key)


def test_an_mp4_with_moov_at_the_end_comes_out_faststart(alpha, ingest_dirs, test_media):
    job = ingest_file(test_media.mp4_moov_at_end, alpha)

    assert job.state == DONE, job.error
    media = job.media_file
    output = stored_path(media.stored)
    assert is_faststart(output) is True
    assert media.video_codec == "h264"
    assert media.audio_codec == "aac"
    assert (media.width, media.height) == (320, 180)
    assert media.duration_seconds == pytest.approx(4, abs=0.3)
    recorded = StoredObject.objects.get(pk=media.stored_id)  # hashed after it went live
    assert recorded.sha256 == hashlib.sha256(output.read_bytes()).hexdigest()
    assert media.stored.content_type == "video/mp4"
    assert job.title.status == Title.Status.PUBLISHED
    assert job.title.is_skeleton
    assert Title.objects.visible_on(alpha).filter(pk=job.title.pk).exists()
    assert "remux" in job.log.lower()
    assert leftovers(ingest_dirs) == []
    assert test_media.mp4_moov_at_end.exists(), "a file on this machine is never removed"


def test_a_faststart_mp4_is_stored_as_it_is(alpha, ingest_dirs, test_media):
    job = ingest_file(test_media.mp4_faststart, alpha)

    assert job.state == DONE, job.error
    assert job.media_file.stored.size == test_media.mp4_faststart.stat().st_size
    assert stored_path(job.media_file.stored).read_bytes() == test_media.mp4_faststart.read_bytes()
    assert test_media.mp4_faststart.exists(), "an operator's file is copied, never moved"


def test_an_mkv_is_remuxed_with_its_subtitles_as_webvtt(alpha, ingest_dirs, test_media):
    job = ingest_file(test_media.mkv_h264_aac_srt, alpha)

    assert job.state == DONE, job.error
    media = job.media_file
    assert media.stored.filename.endswith(".mp4")
    assert media.audio_languages == ["en", "pt"]
    subtitles = {s.language: stored_path(s.stored).read_text() for s in media.subtitles.all()}
    assert set(subtitles) == {"en", "pt"}
    assert subtitles["en"].startswith("WEBVTT")
    assert "Hello there." in subtitles["en"]
    assert "Tchau." in subtitles["pt"]
    assert media.subtitles.get(language="en").is_default
    # A remux copies every stream, so its facts come from the source's probe and its size.
    output = probe(stored_path(media.stored))
    assert (media.width, media.height) == (output.video.width, output.video.height)
    assert (media.video_codec, media.audio_codec) == ("h264", "aac")
    assert media.duration_seconds == pytest.approx(output.duration, abs=0.1)
    assert media.bitrate == pytest.approx(output.bitrate, rel=0.05)


def test_seek_previews_come_as_a_sprite_and_a_thumbnails_track(alpha, ingest_dirs, test_media):
    job = ingest_file(test_media.mkv_h264_aac_srt, alpha)

    media = job.media_file
    track = stored_path(media.thumbnails).read_text()
    assert track.startswith("WEBVTT")
    assert "sprite.jpg#xywh=0,0," in track
    assert stored_path(media.sprite).read_bytes()[:3] == b"\xff\xd8\xff"  # a JPEG
    assert job.title.poster, "a frame of the video becomes the poster of a new title"
    visible = StoredObject.objects.visible_on(alpha)
    assert {media.sprite_id, media.thumbnails_id} <= set(visible.values_list("pk", flat=True))


def test_previews_that_break_after_the_video_went_live_do_not_fail_the_job(
    alpha, ingest_dirs, test_media, monkeypatch
):
    def broken(*args, **kwargs):
        raise RuntimeError("sprite store exploded")

    monkeypatch.setattr(process_step, "_attach_sprite", broken)

    job = ingest_file(test_media.mkv_h264_aac_srt, alpha)

    assert job.state == DONE, job.error
    assert job.media_file.sprite is None
    assert job.media_file.subtitles.count() == 2
    assert "no seek previews: sprite store exploded" in job.log
    assert leftovers(ingest_dirs) == []


def test_a_rerun_after_the_video_went_live_adds_no_second_version(alpha, ingest_dirs, test_media):
    job = ingest_file(test_media.mkv_h264_aac_srt, alpha)
    # As if the worker died after going live and before ending the job.
    IngestJob.objects.filter(pk=job.pk).update(state=IngestJob.State.UPLOADING)
    job.refresh_from_db()

    again = run_inline(job)

    assert again.state == DONE, again.error
    assert MediaFile.objects.count() == 1
    assert again.media_file == job.media_file


def test_mpeg2_with_ac3_is_transcoded_to_h264_and_aac(alpha, ingest_dirs, test_media):
    job = ingest_file(test_media.mpeg2_ac3, alpha)

    assert job.state == DONE, job.error
    facts = probe(stored_path(job.media_file.stored))
    assert facts.video.codec == "h264"
    assert [a.codec for a in facts.audio] == ["aac"]
    assert job.media_file.video_codec == "h264"


@pytest.mark.parametrize(
    ("sample", "reason"),
    [
        ("audio_only", "no video stream"),
        ("corrupt", "not a media file"),
        ("undecodable", "decode"),
        ("not_media", "not a media file"),
    ],
)
def test_a_bad_file_fails_with_its_reason_and_leaves_nothing(
    alpha, ingest_dirs, test_media, sample, reason
):
    job = ingest_file(getattr(test_media, sample), alpha)

    assert job.state == FAILED
    assert reason in job.error.lower()
    assert job.finished_at is not None
    assert not MediaFile.objects.exists()
    assert not StoredObject.objects.exists()
    assert not Title.objects.exists(), "no half-made title for viewers to stumble on"
    assert list((ingest_dirs / "media").rglob("*.*")) == []
    assert leftovers(ingest_dirs) == []


def test_an_episode_name_makes_a_series_with_the_episode(alpha, ingest_dirs, test_media):
    named = ingest_dirs / "Night.Shift.S02E05.720p.WEB.mkv"
    shutil.copy(test_media.mkv_h264_aac_srt, named)

    job = ingest_file(named, alpha)

    assert job.state == DONE, job.error
    series = job.title
    assert series.kind == Title.Kind.SERIES
    assert series.title == "Night Shift"
    episode = job.media_file.episode
    assert (episode.season.number, episode.number) == (2, 5)
    assert job.media_file.title is None


def test_a_second_copy_becomes_another_version_of_the_same_film(alpha, ingest_dirs, test_media):
    first, second = ingest_dirs / "Moon Harbor (2019).mp4", ingest_dirs / "Moon.Harbor.2019.mkv"
    shutil.copy(test_media.mp4_faststart, first)
    shutil.copy(test_media.mkv_h264_aac_srt, second)

    one, two = ingest_file(first, alpha), ingest_file(second, alpha)

    assert one.title == two.title
    assert one.title.media_files.count() == 2
    assert Title.objects.count() == 1


def test_a_draft_job_leaves_a_new_title_unpublished(alpha, ingest_dirs, test_media):
    job = ingest_file(test_media.mp4_faststart, alpha, publish=False)

    assert job.state == DONE
    assert job.title.status == Title.Status.DRAFT
    assert not Title.objects.visible_on(alpha).exists()


def test_progress_is_recorded_and_the_job_counts_one_attempt(alpha, ingest_dirs, test_media):
    seen = []
    [job] = service.submit_paths(
        [test_media.mpeg2_ac3], tenant=alpha, via="test", queue=lambda job: None
    )
    job = run_inline(job, listener=lambda j: seen.append((j.state, j.percent)))

    states = [state for state, _ in seen]
    assert states.index("probing") < states.index("processing") < states.index("uploading")
    assert ("processing", 100) in seen
    assert ("uploading", 100) in seen
    assert job.attempts == 1
    assert job.percent == 100


def test_the_output_plays_in_a_browser_shaped_check(alpha, ingest_dirs, test_media):
    """ffmpeg decodes the stored result from start to end without an error."""
    job = ingest_file(test_media.mpeg2_ac3, alpha)
    output = stored_path(job.media_file.stored)

    result = subprocess.run(
        ["ffmpeg", "-v", "error", "-i", str(output), "-f", "null", "-"],
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode == 0
    assert result.stderr == ""


def test_the_ingested_film_streams_through_the_gateway(alpha, ingest_dirs, test_media, settings):
    settings.STREAM_BEHIND_GATEWAY = True
    job = ingest_file(test_media.mkv_h264_aac_srt, alpha)
    stored = job.media_file.stored
    expected = stored_path(stored).read_bytes()
    link = signing.sign(stored.media_uri, int(time.time()) + 600)

    with uvicorn_in_thread() as origin, nginx_gateway(ingest_dirs, origin) as port:
        whole = fetch(port, link)
        part = fetch(port, link, {"Range": "bytes=1000-4999"})

    assert whole.status == 200
    assert whole.body == expected
    assert part.status == 206
    assert part.body == expected[1000:5000]
