"""The final encode writes segments too: one encode for the MP4 and the progressive
rendition (ffmpeg's tee muxer), and while it runs fast enough and ahead of the viewers the
supervisor starts no encoder of its own for them; when it is slow, the encoders come back."""

from __future__ import annotations

import json
import subprocess
import time
from pathlib import Path

import pytest

from stored_media.storage import get_backend
from streaming.ingest.media_plan import AudioStep, plan_for
from streaming.ingest.playable import ffmpeg_args_for, make_playable
from streaming.ingest.probe import probe
from streaming.models import IngestJob, ProgressiveRendition
from streaming.progressive import final_run, supervisor
from streaming.progressive.codecs import codecs_of
from tests.support.ingest_helpers import ingest_file, leftovers, progressive_dirs
from tests.support.media_factory import ffmpeg
from tests.test_progressive_encoders import Watched, first_packet

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def media_dirs(settings, tmp_path):
    return progressive_dirs(settings, tmp_path)


@pytest.fixture(scope="module")
def two_tracks(tmp_path_factory) -> Path:
    """20 s of HEVC with two audio tracks (AC-3 and AAC) and a folder name the tee muxer
    would have to escape."""
    folder = tmp_path_factory.mktemp("final") / "it's a [test] | folder"
    folder.mkdir()
    path = folder / "Two.Tracks.2024.mkv"
    ffmpeg(
        *("-f", "lavfi", "-i", "testsrc2=size=320x180:rate=24:duration=20"),
        *("-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000:duration=20"),
        *("-f", "lavfi", "-i", "sine=frequency=660:sample_rate=48000:duration=20"),
        *("-map", "0", "-map", "1", "-map", "2"),
        *("-c:v", "libx265", "-preset", "ultrafast", "-x265-params", "log-level=error"),
        *("-c:a:0", "ac3", "-c:a:1", "aac", str(path)),
    )
    return path


def streams(path: Path) -> list[str]:
    out = subprocess.run(
        ["ffprobe", "-v", "error", "-show_entries", "stream=codec_type", "-of", "json", str(path)],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    return [s["codec_type"] for s in json.loads(out.stdout)["streams"]]


def test_one_encode_writes_the_mp4_with_every_track_and_keyframe_segments(two_tracks, settings):
    facts = probe(two_tracks)
    plan = plan_for(facts, None)
    out = two_tracks.parent / "out"
    out.mkdir()
    run = final_run.FinalRun(out, facts.video.height, 4.0)
    run.begin()
    video = make_playable(two_tracks, facts, plan, out, segments=run.output)
    run.end(completed=True)

    assert streams(video) == ["video", "audio", "audio"]  # the final MP4 keeps both tracks
    finished = run.finished_segments()
    assert [s.number for s in finished][:5] == list(range(5))  # (and an empty end marker)
    assert all(s.duration == pytest.approx(4.0, abs=0.05) for s in finished[:5])
    for segment in finished[:5]:
        pts, flags = first_packet(run.init_path, segment.path)
        assert pts == pytest.approx(segment.number * 4.0, abs=0.05)
        assert flags.startswith("K")
    joined = out / "one.mp4"
    joined.write_bytes(run.init_path.read_bytes() + finished[1].path.read_bytes())
    assert streams(joined) == ["video", "audio"]  # one track: a SourceBuffer plays one
    assert codecs_of(run.init_path.read_bytes()).startswith("avc1.64")  # High: the final's


def test_segments_are_asked_for_only_with_aac_audio_and_when_on(two_tracks, settings):
    facts = probe(two_tracks)
    plan = plan_for(facts, None)
    assert plan.audio_tracks[0].step is AudioStep.ENCODE  # AC-3 first: made AAC
    assert final_run.applies(plan, facts)
    settings.PROGRESSIVE_FINAL_SEGMENTS = False
    assert not final_run.applies(plan, facts)
    args = ffmpeg_args_for(two_tracks, plan, Path("/tmp/x.mp4"))
    assert "tee" not in args  # as before: one MP4
    assert "-force_key_frames" not in args


def test_a_copied_mp3_is_left_to_the_progressive_encoders(tmp_path, settings):
    path = tmp_path / "Mp3.Audio.mkv"
    ffmpeg(
        *("-f", "lavfi", "-i", "testsrc2=size=160x90:rate=24:duration=2"),
        *("-f", "lavfi", "-i", "sine=duration=2"),
        *("-c:v", "libx265", "-preset", "ultrafast", "-x265-params", "log-level=error"),
        *("-c:a", "libmp3lame", str(path)),
    )
    facts = probe(path)
    plan = plan_for(facts, None)
    assert plan.audio_tracks[0].step is AudioStep.COPY
    assert not final_run.applies(plan, facts)


def measured_final(folder: Path, made: int, speed: float) -> final_run.FinalRun:
    """A final encode that has made `made` segments at `speed` (its figures, as the process
    step's stats callback would set them; its segments are not needed here)."""
    final = final_run.FinalRun(folder, 180, 4.0)
    final.begin()
    final.output_from = (time.monotonic() - supervisor.MEASURE_AFTER - 1, 0.0)
    final._taken = set(range(made))
    final.done_seconds = made * 4.0
    final.speed = speed
    return final


def test_a_fast_final_encode_ahead_of_the_head_start_needs_no_encoder(
    two_tracks, media_dirs, settings
):
    settings.PROGRESSIVE_HEAD_SECONDS = 8
    final = measured_final(media_dirs / "progressive", made=3, speed=3.0)
    with Watched(two_tracks, media_dirs, final=final) as watched:
        time.sleep(1.5)
        assert watched.supervisor.runs == [], "the final encode serves the head start"
        final.speed = 0.6  # slower than real time: it serves nobody
        watched.wait_until(lambda: watched.supervisor.runs, 10, "an encoder of its own")
        assert watched.supervisor.runs[0].first == 0


def test_an_encoder_started_before_the_final_was_fast_stops_once_it_is(
    two_tracks, media_dirs, settings, monkeypatch
):
    settings.PROGRESSIVE_HEAD_SECONDS = 8
    monkeypatch.setattr(supervisor, "UNWANTED_GRACE", 0.3)
    final = measured_final(media_dirs / "progressive", made=0, speed=0.5)
    with Watched(two_tracks, media_dirs, final=final) as watched:
        sup = watched.supervisor
        watched.wait_until(lambda: sup.runs, 10, "the head encoder")
        final._taken, final.speed = set(range(4)), 4.0
        watched.wait_until(lambda: not sup.runs, 10, "the head encoder to stop")


def test_a_job_stores_the_final_encodes_segments_beside_the_head_start(
    alpha, ingest_dirs, two_tracks, settings
):
    settings.PROGRESSIVE_SLOT_DIR = ingest_dirs / "slots"
    settings.PROGRESSIVE_READ_RATE = 1  # the head start's encoder at 1x; the final is faster
    job = ingest_file(two_tracks, alpha)

    assert job.state == IngestJob.State.DONE, job.error
    rendition = job.media_file.progressive
    assert rendition.state == ProgressiveRendition.State.REPLACED
    assert rendition.segments.count() == rendition.segment_count == 5  # the end marker: not one
    inits = {s.init for s in rendition.segments.select_related("init")}
    profiles = set()
    for init in inits:
        path = get_backend("local").local_path(init.key)
        profiles.add(codecs_of(path.read_bytes())[:7])
    assert "avc1.64" in profiles, "the final encode's own segments were stored"
    assert leftovers(ingest_dirs) == []
