"""Progressive encoders with the real ffmpeg: segments on keyframes at their times, the
supervisor going live at the first one, following viewers (seek ahead), stopping encoders
nobody needs, the per-machine cap, stepping down a slow rung, and the ingest job around it
(live before the final MP4, replaced by it, taken down when the job fails)."""

from __future__ import annotations

import itertools
import json
import subprocess
import threading
import time
from pathlib import Path

import pytest
from django.db import connection
from hypothesis import given
from hypothesis import strategies as st

from stored_media.models import StoredObject
from stored_media.storage import get_backend
from streaming.ingest import process_step
from streaming.ingest.errors import ProcessingFailed
from streaming.ingest.media_plan import plan_for
from streaming.ingest.probe import probe
from streaming.models import IngestJob, MediaFile, ProgressiveRendition, Title
from streaming.progressive import encoder_run, rungs, slots, supervisor
from streaming.progressive.cleanup import remove_rendition
from streaming.progressive.codecs import codecs_of
from streaming.progressive.playlist import encoded_ranges, record_demand
from tests.support.ingest_helpers import ingest_file, leftovers, progressive_dirs
from tests.support.media_factory import ffmpeg

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(scope="module")
def hevc_clip(tmp_path_factory) -> Path:
    """40 s of small HEVC with AC-3 in MKV: a file browsers cannot play, cheap to encode."""
    path = tmp_path_factory.mktemp("progressive") / "Hevc.Clip.2024.mkv"
    ffmpeg(
        *("-f", "lavfi", "-i", "testsrc2=size=320x180:rate=24:duration=40"),
        *("-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000:duration=40"),
        *("-c:v", "libx265", "-preset", "ultrafast", "-x265-params", "log-level=error"),
        *("-c:a", "ac3", str(path)),
    )
    return path


@pytest.fixture
def media_dirs(settings, tmp_path):
    return progressive_dirs(settings, tmp_path)


@pytest.fixture
def real_time(settings):
    """Encoders read their input at 1x (ffmpeg's -readrate), so where they are is predictable."""
    settings.PROGRESSIVE_READ_RATE = 1


def first_packet(init: Path, segment: Path) -> tuple[float, str]:
    joined = segment.with_suffix(".joined.mp4")
    joined.write_bytes(init.read_bytes() + segment.read_bytes())
    out = subprocess.run(
        ["ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries",
         "packet=pts_time,flags", "-read_intervals", "%+#1", "-of", "json", str(joined)],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    packet = json.loads(out.stdout)["packets"][0]
    return float(packet["pts_time"]), packet["flags"]


# Pure parts -------------------------------------------------------------------------------
def test_codecs_come_from_the_avcc_box():
    init = b"\x00" * 40 + b"avcC" + bytes([1, 0x64, 0x00, 0x1F]) + b"...mp4a..."
    assert codecs_of(init) == "avc1.64001f,mp4a.40.2"
    assert codecs_of(init.replace(b"mp4a", b"xxxx")) == "avc1.64001f"
    assert codecs_of(b"no box here") == ""
    assert codecs_of(b"avcC") == ""  # cut short


def test_the_first_rung_never_scales_up_and_steps_down_to_the_bottom():
    assert rungs.first_rung(2160, 720).height == 720
    assert rungs.first_rung(2160, 1080).height == 1080
    assert rungs.first_rung(480, 720).height == 360
    assert rungs.first_rung(None, 720).height == 720
    rung, seen = rungs.first_rung(1080, 1080), []
    while rung is not None:
        seen.append(rung.height)
        rung = rungs.lower(rung)
    assert seen == sorted(seen, reverse=True)
    assert seen[-1] == rungs.LADDER[-1].height
    assert rungs.output_size(3840, 2160, rungs.Rung(720, "ultrafast", 23)) == (1280, 720)
    assert rungs.output_size(320, 180, rungs.Rung(720, "ultrafast", 23)) == (320, 180)
    assert rungs.output_size(1000, 417, rungs.Rung(360, "ultrafast", 23)) == (864, 360)


@given(st.sets(st.integers(min_value=0, max_value=200), max_size=60))
def test_encoded_ranges_cover_exactly_the_segments(numbers):
    times = [(n, n * 4.0, 4.0) for n in sorted(numbers)]
    ranges = encoded_ranges(times)
    covered = {n for start, end in ranges for n in range(round(start / 4), round(end / 4))}
    assert covered == numbers
    assert all(a[1] < b[0] for a, b in itertools.pairwise(ranges))  # apart


# One encoder run ----------------------------------------------------------------------------
def test_a_run_from_a_later_segment_writes_keyframe_segments_at_their_times(hevc_clip, tmp_path):
    facts = probe(hevc_clip)
    plan = plan_for(facts, None)
    run = encoder_run.EncoderRun(hevc_clip, plan, rungs.LADDER[-1], 3, 4.0, tmp_path)
    run.process.wait(timeout=60)
    finished = run.finished_segments()

    assert [s.number for s in finished] == list(range(3, 10))
    assert sum(s.duration for s in finished) == pytest.approx(40 - 12, abs=0.1)
    for segment in finished[:3]:
        pts, flags = first_packet(run.init_path, segment.path)
        assert pts == pytest.approx(segment.number * 4.0, abs=0.05)
        assert flags.startswith("K")
    assert codecs_of(run.init_path.read_bytes()).startswith("avc1.")
    assert run.finished_segments() == []  # each is handed out once
    run.remove()
    assert not run.folder.exists()


# The supervisor ---------------------------------------------------------------------------
class Watched:
    """A supervisor on the clip in a thread, going live into a real film of the catalogue."""

    def __init__(self, source: Path, folder: Path, final=None) -> None:
        facts = probe(source)
        self.title = Title.objects.create(title="Clip", status=Title.Status.PUBLISHED)
        self.supervisor = supervisor.Supervisor(
            source=source,
            plan=plan_for(facts, None),
            duration=facts.duration,
            width=facts.video.width,
            height=facts.video.height,
            folder=folder / "progressive",
            stem="clip",
            go_live=self._go_live,
            final=final,
        )
        self.thread = threading.Thread(target=self._supervise)

    def _supervise(self) -> None:
        try:
            self.supervisor.run()
        finally:
            connection.close()  # the thread's own connection, or the test database stays open

    def _go_live(self, fields: dict) -> ProgressiveRendition:
        media = MediaFile.objects.create(title=self.title, stored=None, duration_seconds=40)
        return ProgressiveRendition.objects.create(media_file=media, **fields)

    def __enter__(self) -> Watched:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.supervisor.stop()
        self.thread.join(timeout=30)

    def wait_until(self, predicate, timeout: float, what: str) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if predicate():
                return
            time.sleep(0.1)
        sup = self.supervisor
        raise AssertionError(f"gave up waiting for {what}: have {sorted(sup.have)}, {sup.error}")


def test_a_seek_ahead_starts_an_encoder_there_and_the_gap_fills_in(
    hevc_clip, media_dirs, real_time, settings
):
    settings.PROGRESSIVE_HEAD_SECONDS = 8
    with Watched(hevc_clip, media_dirs) as watched:
        sup = watched.supervisor
        watched.wait_until(lambda: sup.rendition is not None, 20, "the first segment")
        asked = time.monotonic()
        record_demand(sup.rendition, "viewer-1", 30.0)
        watched.wait_until(lambda: 7 in sup.have, 15, "the segment at 30 s")
        waited = time.monotonic() - asked
        starts = {run.first for run in sup.runs}

    assert waited < 8, "a seek waits about as long as the start did"
    assert 7 in starts or 7 in sup.have
    assert not set(range(4, 7)) <= sup.have, "the gap before the seek is not filled yet"
    rendition = ProgressiveRendition.objects.get()
    numbers = list(rendition.segments.values_list("number", flat=True))
    assert 0 in numbers
    assert 7 in numbers
    assert rendition.media_file.stored_id is None


def test_encoders_nobody_watches_stop_after_the_head_start(
    hevc_clip, media_dirs, real_time, settings, monkeypatch
):
    settings.PROGRESSIVE_HEAD_SECONDS = 4
    monkeypatch.setattr(supervisor, "UNWANTED_GRACE", 0.5)
    with Watched(hevc_clip, media_dirs) as watched:
        sup = watched.supervisor
        watched.wait_until(lambda: sup.rendition is not None, 20, "the first segment")
        watched.wait_until(lambda: not sup.runs, 10, "the head encoder to stop")
        made = set(sup.have)
        time.sleep(1.5)
        assert sup.have == made, "nothing more is made while nobody watches"
    assert len(made) < sup.count


def test_the_cap_queues_a_run_with_a_message_until_a_slot_frees(hevc_clip, media_dirs, settings):
    settings.PROGRESSIVE_ENCODERS = 1
    held = slots.take_slot()
    assert held is not None
    assert slots.take_slot() is None
    with Watched(hevc_clip, media_dirs) as watched:
        sup = watched.supervisor
        time.sleep(1.0)
        assert sup.runs == []
        assert sup.rendition is None
        assert "all 1 on this machine are busy" in sup.message
        assert slots.busy_slots() == 1
        held.release()
        watched.wait_until(lambda: sup.rendition is not None, 20, "the first segment")


def test_a_run_slower_than_the_target_steps_down_a_rung(
    hevc_clip, media_dirs, real_time, settings, monkeypatch
):
    monkeypatch.setattr(rungs, "TARGET_SPEED", 50.0)  # at 1x (-re), every rung is "slow"
    monkeypatch.setattr(supervisor, "MEASURE_AFTER", 1.0)
    # Rungs the 180p clip can step down through.
    monkeypatch.setattr(
        rungs, "LADDER", (rungs.Rung(180, "ultrafast", 23), rungs.Rung(120, "ultrafast", 23))
    )
    with Watched(hevc_clip, media_dirs) as watched:
        sup = watched.supervisor
        first = sup.rung
        watched.wait_until(lambda: sup.rung != first, 15, "a step down")
        assert sup.rung.height < first.height


class StubRun:
    """What Supervisor._adapt reads of an EncoderRun: a run measured long enough at `speed`."""

    def __init__(self, rung: rungs.Rung, speed: float) -> None:
        self.rung, self.speed = rung, speed
        self.running, self.paused, self.removed = True, False, False
        self.output_from = (time.monotonic() - 60, 0.0)

    def measure_afresh(self) -> None:
        pass  # stays "measured": these tests are about what a measurement decides

    def remove(self) -> None:
        self.removed = True


def stub_supervisor(tmp_path: Path) -> supervisor.Supervisor:
    return supervisor.Supervisor(
        source=tmp_path / "film.mkv", plan=None, duration=600.0, width=3840, height=2160,
        folder=tmp_path, stem="film", go_live=lambda facts: None,
    )  # fmt: skip


def test_runs_sharing_the_cpu_are_not_judged_a_run_alone_is(tmp_path, settings):
    settings.PROGRESSIVE_MAX_HEIGHT = 720
    sup = stub_supervisor(tmp_path)
    top = sup.rung
    head, seek = StubRun(top, 0.7), StubRun(top, 0.7)  # two on two cores: each half
    sup.runs = [head, seek]
    sup._adapt()
    assert sup.rung == top, "a smaller picture does not make two decoders fit"
    sup.runs.remove(seek)
    sup._adapt()
    assert sup.rung == rungs.lower(top)
    assert head.removed, "alone at 0.7x it falls behind its viewer: restarted lower"


def test_a_step_down_leaves_a_run_that_keeps_pace_and_stops_when_it_gains_nothing(
    tmp_path, settings
):
    settings.PROGRESSIVE_MAX_HEIGHT = 720
    sup = stub_supervisor(tmp_path)
    top = sup.rung
    steady = StubRun(top, 1.2)  # under the floor, over real time
    sup.runs = [steady]
    sup._adapt()
    assert sup.rung == rungs.lower(top)
    assert not steady.removed, "its viewer keeps a run that keeps up"
    assert sup.runs == [steady]
    lower = StubRun(sup.rung, 1.25)  # 4K HEVC: decoding costs the same at any size
    sup.runs = [lower]
    sup._adapt()
    assert sup.stepping_done
    assert sup.rung == rungs.lower(top), "no further step: it gained under 15%"
    assert sup.speed == 1.25


def test_a_waiting_viewer_pauses_the_head_start_until_their_segment_exists(
    hevc_clip, media_dirs, real_time, settings
):
    settings.PROGRESSIVE_HEAD_SECONDS = 40  # the head start would encode the whole clip
    with Watched(hevc_clip, media_dirs) as watched:
        sup = watched.supervisor
        watched.wait_until(lambda: sup.rendition is not None, 20, "the first segment")
        head = sup.runs[0]
        record_demand(sup.rendition, "viewer-1", 30.0)
        watched.wait_until(lambda: head.paused, 5, "the head start to give way")
        paused_before = 7 not in sup.have
        watched.wait_until(lambda: 7 in sup.have, 15, "the segment at 30 s")
        watched.wait_until(lambda: not head.paused, 5, "the head start to go on")
        going_on_from = head.done_seconds
        watched.wait_until(lambda: head.done_seconds > going_on_from + 1, 10, "progress")

    assert paused_before, "paused while the viewer's segment was missing"


# The ingest job around it -------------------------------------------------------------------
def test_a_hevc_file_is_live_before_its_final_mp4_which_then_replaces_it(
    alpha, ingest_dirs, hevc_clip, settings
):
    settings.PROGRESSIVE_SLOT_DIR = ingest_dirs / "slots"
    settings.PROGRESSIVE_FINAL_DELAY = 30  # ends early: every segment exists within seconds
    seen: dict = {}

    def watch_for_live():
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and "live" not in seen:
            live = MediaFile.objects.filter(stored__isnull=True).first()
            if live is not None and live.progressive.segments.exists():
                seen["live"] = MediaFile.objects.visible_on(alpha).filter(pk=live.pk).exists()
            time.sleep(0.05)
        connection.close()

    watcher = threading.Thread(target=watch_for_live)
    watcher.start()
    job = ingest_file(hevc_clip, alpha)
    watcher.join()

    assert job.state == IngestJob.State.DONE, job.error
    assert seen.get("live") is True, "viewers could play it before the final MP4"
    assert "as it is encoded" in job.log
    assert "replaced the progressive" in job.log
    media = job.media_file
    assert media.stored is not None
    assert media.video_codec == "h264"
    assert (media.width, media.height) == (320, 180)
    rendition = media.progressive
    assert rendition.state == ProgressiveRendition.State.REPLACED
    assert rendition.segments.count() == rendition.segment_count == 10  # 40 s of video
    assert leftovers(ingest_dirs) == []

    objects = [s.stored for s in rendition.segments.select_related("stored")]
    assert remove_rendition(rendition) == len(objects) + 1  # the segments and one init
    assert not StoredObject.objects.filter(pk__in=[o.pk for o in objects]).exists()
    assert all(get_backend("local").local_path(o.key).exists() is False for o in objects)
    assert MediaFile.objects.get().stored_id == media.stored_id


def test_a_final_encode_that_fails_takes_the_progressive_rendition_down(
    alpha, ingest_dirs, hevc_clip, settings, monkeypatch
):
    settings.PROGRESSIVE_SLOT_DIR = ingest_dirs / "slots"
    settings.INGEST_MAX_ATTEMPTS = 1

    def fail_once_live(*args, **kwargs):
        deadline = time.monotonic() + 30
        while not MediaFile.objects.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        raise ProcessingFailed("ffmpeg failed: the disk is full (a test)")

    monkeypatch.setattr(process_step, "make_playable", fail_once_live)
    job = ingest_file(hevc_clip, alpha)

    assert job.state == IngestJob.State.FAILED
    assert "the disk is full" in job.error
    assert not MediaFile.objects.exists()
    assert not Title.objects.exists(), "the skeleton made for this file goes with it"
    assert not StoredObject.objects.exists()
    assert leftovers(ingest_dirs) == []


def test_a_rendition_that_cannot_go_live_leaves_nothing_stored(hevc_clip, media_dirs):
    class Refused(Watched):
        def _go_live(self, fields: dict) -> ProgressiveRendition:
            raise ValueError("already in the library (a test)")

    with Refused(hevc_clip, media_dirs) as watched:
        watched.thread.join(timeout=30)

    assert watched.supervisor.error == "already in the library (a test)"
    assert not StoredObject.objects.exists()
    assert not MediaFile.objects.exists()


def test_subtitles_read_after_going_live_join_the_live_file(
    alpha, ingest_dirs, tmp_path, settings, monkeypatch
):
    settings.PROGRESSIVE_SLOT_DIR = ingest_dirs / "slots"
    settings.PROGRESSIVE_FINAL_DELAY = 30
    settings.PROGRESSIVE_READ_RATE = 2  # the rendition stays incomplete for a while
    english = tmp_path / "en.srt"
    english.write_text("1\n00:00:01,000 --> 00:00:03,000\nHello\n", encoding="utf-8")
    film = tmp_path / "Late.Words.2020.mkv"
    ffmpeg(
        *("-f", "lavfi", "-i", "testsrc2=size=320x180:rate=24:duration=24"),
        *("-i", str(english), "-map", "0:v", "-map", "1:s"),
        *("-c:v", "libx265", "-preset", "ultrafast", "-x265-params", "log-level=error"),
        *("-c:s", "srt", "-metadata:s:s:0", "language=eng", str(film)),
    )
    slow_reader = process_step.artifacts.extract_subtitles

    def read_slowly(*args):
        while not MediaFile.objects.exists():  # only once the file is live
            time.sleep(0.05)
        connection.close()  # this pool thread's own
        return slow_reader(*args)

    monkeypatch.setattr(process_step.artifacts, "extract_subtitles", read_slowly)
    seen: dict = {}

    def watch_for_subtitles():
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not seen:
            live = MediaFile.objects.filter(stored__isnull=True, subtitles__isnull=False)
            if live.exists():
                seen["languages"] = list(live.values_list("subtitles__language", flat=True))
            time.sleep(0.05)
        connection.close()

    watcher = threading.Thread(target=watch_for_subtitles)
    watcher.start()
    job = ingest_file(film, alpha)
    watcher.join()

    assert job.state == IngestJob.State.DONE, job.error
    assert seen.get("languages") == ["en"], "the subtitles reached the file while it was live"
    assert list(job.media_file.subtitles.values_list("language", flat=True)) == ["en"]


class EndedRun:
    """What the supervisor reads of a run that has ended: its finished segments and how."""

    def __init__(self, segments: list[tuple[int, float]], tmp_path: Path, failed: bool) -> None:
        self.segments = []
        for number, duration in segments:
            path = tmp_path / f"seg-{number}.m4s"
            path.write_bytes(b"\0")
            self.segments.append(encoder_run.Finished(number, duration, path))
        self.failed, self.running, self.stopped, self.ends_before = failed, False, False, None
        self.next_number = segments[-1][0] + 1
        self.start = segments[0][0] * 4.0
        self.error = "ffmpeg was stopped by signal 9 (a test)"

    def finished_segments(self):
        found, self.segments = self.segments, []
        return found

    def remove(self) -> None:
        pass


def test_an_empty_last_segment_ends_the_film_and_a_cut_off_one_is_never_kept(tmp_path):
    sup = supervisor.Supervisor(
        source=tmp_path / "film.mkv", plan=None, duration=40.03, width=320, height=180,
        folder=tmp_path, stem="film", go_live=None,
    )  # fmt: skip
    kept: list[int] = []
    sup._store = lambda run, finished: (kept.append(finished.number), sup.have.add(finished.number))
    to_the_end = EndedRun([(7, 4.0), (8, 4.0), (9, 3.96), (10, 0.02)], tmp_path, failed=False)
    crashed = EndedRun([(2, 4.0), (3, 1.3)], tmp_path, failed=True)
    sup.runs = [to_the_end, crashed]
    sup.have = {0, 1}

    for run in list(sup.runs):
        sup._retire_if_ended(run)

    # 40.03 s of audio, 40 s of pictures: the empty 11th segment ends the film at 10.
    assert sup.count == 10
    assert kept == [7, 8, 9, 2]  # not 3: ffmpeg stopped 1.3 s into it, a hole never filled
    assert sup.runs == []
