"""Making a probed file playable, and the files that go with it, with the real ffmpeg.

"Not re-encoded" is checked on the video packets themselves: the same count and the same
MD5 over their bytes (ffmpeg's streamhash muxer with `-c copy`) before and after.
"""

from __future__ import annotations

import itertools
import os
import re
import subprocess
import time
from dataclasses import replace
from pathlib import Path

import pytest

from ingest_core.errors import IngestCancelled
from streaming.ingest import artifacts
from streaming.ingest.artifacts import (
    extract_subtitles,
    poster_frame,
    sprite_layout,
    thumbnail_sprite,
)
from streaming.ingest.errors import ProcessingFailed
from streaming.ingest.faststart import is_faststart
from streaming.ingest.ffmpeg_run import failure_reason, run_ffmpeg
from streaming.ingest.media_plan import plan_for
from streaming.ingest.playable import ffmpeg_command_for, make_playable
from streaming.ingest.probe import SubtitleStream, probe
from tests.support.media_factory import AAC, _sources, ffmpeg

# WebVTT timestamps: hours are optional ("00:01.521" from ffmpeg, "00:00:01.000").
CUE = re.compile(r"^([\d:.]+) --> ([\d:.]+)$", re.MULTILINE)


def lavfi_clip(seconds: float) -> list[str]:
    """A small generated video ffmpeg reads in real time (-re), so a run lasts `seconds`."""
    return ["-re", "-f", "lavfi", "-i", f"testsrc2=size=160x90:rate=25:duration={seconds}"]


def video_packets(path: Path) -> tuple[int, str]:
    """(packet count, MD5 of the packet bytes) of the first video stream, not decoded."""
    count = subprocess.run(
        ["ffprobe", "-v", "error", "-count_packets", "-select_streams", "V:0",
         "-show_entries", "stream=nb_read_packets", "-of", "csv=p=0", str(path)],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    digest = subprocess.run(
        ["ffmpeg", "-v", "error", "-i", str(path), "-map", "0:V:0", "-c", "copy",
         "-f", "streamhash", "-hash", "md5", "-"],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    return int(count), digest.split("MD5=")[1].strip()


def ffmpeg_children() -> list[int]:
    """Process ids of ffmpeg processes this test process started and that still exist."""
    children = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            name = stat.read_text().split("(", 1)[1].rsplit(")", 1)[0]
        except (OSError, IndexError):
            continue
        if name == "ffmpeg" and int(fields[1]) == os.getpid():
            children.append(int(stat.parent.name))
    return children


def cues(vtt: str) -> list[tuple[float, float]]:
    def seconds(stamp: str) -> float:
        return sum(float(part) * 60**power for power, part in enumerate(reversed(stamp.split(":"))))

    return [(seconds(start), seconds(end)) for start, end in CUE.findall(vtt)]


@pytest.fixture
def workdir(tmp_path) -> Path:
    folder = tmp_path / "work"
    folder.mkdir()
    return folder


# Running ffmpeg


def test_progress_rises_to_one_while_ffmpeg_works():
    fractions = []

    run_ffmpeg([*lavfi_clip(1.5), "-f", "null", "-"], duration=1.5,
               progress=fractions.append, timeout=30)  # fmt: skip

    assert fractions == sorted(fractions)
    assert len(set(fractions)) >= 3, fractions
    assert 0 <= fractions[0] < 0.5
    assert fractions[-1] == 1.0


def test_a_cancel_from_the_progress_callback_stops_ffmpeg_at_once(tmp_path):
    def cancel(fraction: float) -> None:
        raise IngestCancelled("cancelled by the operator")

    started = time.monotonic()
    with pytest.raises(IngestCancelled):
        run_ffmpeg([*lavfi_clip(60), "-f", "null", "-"], duration=60, progress=cancel, timeout=90)

    assert time.monotonic() - started < 5
    assert ffmpeg_children() == []


def test_ffmpeg_running_past_its_timeout_is_stopped():
    started = time.monotonic()
    with pytest.raises(ProcessingFailed, match=r"ffmpeg took longer than 0\.5 s"):
        run_ffmpeg([*lavfi_clip(60), "-f", "null", "-"], duration=60, progress=None, timeout=0.5)

    assert time.monotonic() - started < 5
    assert ffmpeg_children() == []


def test_a_failing_ffmpeg_says_what_went_wrong(test_media, tmp_path):
    with pytest.raises(ProcessingFailed, match="Stream map '0:7' matches no streams"):
        run_ffmpeg(["-i", str(test_media.mp4_faststart), "-map", "0:7", str(tmp_path / "x.mp4")],
                   duration=None, progress=None, timeout=30)  # fmt: skip


def test_the_failure_reason_is_the_last_line_that_says_something():
    tail = ["[libx264 @ 0x55d0c2a1b2c0] Error setting profile foo.", "Conversion failed!", ""]

    assert failure_reason(1, tail) == "ffmpeg failed: libx264: Error setting profile foo."
    assert failure_reason(-9, []) == "ffmpeg was stopped by signal 9"


# Making the file playable


def test_a_faststart_h264_aac_mp4_is_kept_as_it_is(test_media, workdir):
    facts = probe(test_media.mp4_faststart)
    plan = plan_for(facts, is_faststart(test_media.mp4_faststart))

    assert make_playable(test_media.mp4_faststart, facts, plan, workdir) == test_media.mp4_faststart
    assert list(workdir.iterdir()) == []


def test_an_mp4_with_moov_at_the_end_comes_out_faststart_without_re_encoding(test_media, workdir):
    source = test_media.mp4_moov_at_end
    facts = probe(source)

    output = make_playable(source, facts, plan_for(facts, is_faststart(source)), workdir)

    assert output == workdir / "playable.mp4"
    assert is_faststart(output) is True
    assert video_packets(output) == video_packets(source)
    assert [(a.codec, a.language) for a in probe(output).audio] == [("aac", "en")]


def test_an_mkv_is_remuxed_with_every_audio_track_and_no_subtitles(test_media, workdir):
    source = test_media.mkv_h264_aac_srt
    facts = probe(source)

    output = make_playable(source, facts, plan_for(facts, None), workdir)

    result = probe(output)
    assert is_faststart(output) is True
    assert video_packets(output) == video_packets(source)
    assert [(a.codec, a.language) for a in result.audio] == [("aac", "en"), ("aac", "pt")]
    assert result.subtitles == []
    assert [path.name for path in workdir.iterdir()] == ["playable.mp4"]


def test_h264_with_ac3_keeps_the_video_and_gets_aac_audio(test_media, workdir):
    source = test_media.h264_ac3_mkv
    facts = probe(source)

    output = make_playable(source, facts, plan_for(facts, None), workdir)

    assert video_packets(output) == video_packets(source)
    assert [a.codec for a in probe(output).audio] == ["aac"]


def test_mpeg2_with_ac3_is_transcoded_to_h264_and_aac_with_progress(test_media, workdir):
    source = test_media.mpeg2_ac3
    facts = probe(source)
    fractions = []

    output = make_playable(source, facts, plan_for(facts, None), workdir, fractions.append)

    result = probe(output)
    video = result.video
    assert (video.codec, video.profile, video.pix_fmt) == ("h264", "High", "yuv420p")
    assert (video.width, video.height) == (320, 180)
    assert [a.codec for a in result.audio] == ["aac"]
    assert result.duration == pytest.approx(facts.duration, abs=0.2)
    assert is_faststart(output) is True
    assert fractions == sorted(fractions)
    assert fractions[-1] == 1.0


def test_the_encoder_settings_come_from_the_settings_module(test_media, settings, tmp_path):
    settings.INGEST_TRANSCODE_PRESET = "ultrafast"
    settings.INGEST_TRANSCODE_CRF = 30
    facts = probe(test_media.mpeg2_ac3)

    command = ffmpeg_command_for(test_media.mpeg2_ac3, plan_for(facts, None), tmp_path / "o.mp4")

    joined = " ".join(command)
    assert "-c:v libx264 -preset ultrafast -crf 30 -profile:v high" in joined
    assert "scale=trunc(iw/2)*2:trunc(ih/2)*2" in joined
    assert "-sn" in command
    assert command[-1] == str(tmp_path / "o.mp4")


def test_a_cancelled_transcode_leaves_no_file_behind(test_media, workdir):
    facts = probe(test_media.mpeg2_ac3)

    def cancel(fraction: float) -> None:
        raise IngestCancelled("cancelled by the operator")

    with pytest.raises(IngestCancelled):
        make_playable(test_media.mpeg2_ac3, facts, plan_for(facts, None), workdir, cancel)

    assert list(workdir.iterdir()) == []
    assert ffmpeg_children() == []


def test_a_failed_remux_leaves_no_file_behind(test_media, workdir, tmp_path):
    facts = probe(test_media.mp4_moov_at_end)
    broken = tmp_path / "broken.mp4"
    broken.write_bytes(test_media.mp4_moov_at_end.read_bytes()[:20_000])

    with pytest.raises(ProcessingFailed, match=r"moov atom not found|Invalid data"):
        make_playable(broken, facts, plan_for(facts, False), workdir)

    assert list(workdir.iterdir()) == []


# Subtitles, poster, sprite, hash


def test_each_text_subtitle_track_becomes_a_webvtt_file(test_media, workdir):
    facts = probe(test_media.mkv_h264_aac_srt)

    english, portuguese = extract_subtitles(test_media.mkv_h264_aac_srt, facts, workdir)

    assert (english.path.name, english.language, english.label) == ("sub-3-en.vtt", "en", "English")
    assert (portuguese.path.name, portuguese.language, portuguese.label) == (
        "sub-4-pt.vtt",
        "pt",
        "Português",
    )
    assert (english.is_default, portuguese.is_default) == (True, False)
    assert english.path.read_text(encoding="utf-8").startswith("WEBVTT")
    assert "Hello there." in english.path.read_text(encoding="utf-8")
    assert "Tchau." in portuguese.path.read_text(encoding="utf-8")
    assert cues(portuguese.path.read_text(encoding="utf-8")) == [
        pytest.approx((0.5, 1.5), abs=0.05),
        pytest.approx((2.0, 3.0), abs=0.05),
    ]
    assert sorted(path.name for path in workdir.iterdir()) == ["sub-3-en.vtt", "sub-4-pt.vtt"]


def test_picture_subtitles_are_left_out(test_media, workdir):
    facts = probe(test_media.mkv_h264_aac_srt)
    pgs = SubtitleStream(9, "hdmv_pgs_subtitle", "fr", "", False, True)
    facts = replace(facts, subtitles=[pgs, *facts.subtitles])

    extracted = extract_subtitles(test_media.mkv_h264_aac_srt, facts, workdir)

    assert [subtitle.language for subtitle in extracted] == ["en", "pt"]


def test_a_file_without_subtitles_gives_none(test_media, workdir):
    facts = probe(test_media.mp4_faststart)

    assert extract_subtitles(test_media.mp4_faststart, facts, workdir) == []


def test_the_poster_is_a_jpeg_frame_no_wider_than_the_video(test_media, workdir):
    poster = poster_frame(test_media.mkv_h264_aac_srt, 4.0, workdir)

    assert poster == workdir / "poster.jpg"
    assert poster.read_bytes()[:3] == b"\xff\xd8\xff"
    assert probe_size(poster) == (320, 180)


def test_a_clip_with_a_single_keyframe_still_gets_a_poster(workdir, tmp_path):
    # bootstrap's 10 s sample has one keyframe: `thumbnail=3` over keyframes gets one picture.
    clip = tmp_path / "one-keyframe.mkv"
    ffmpeg(*_sources(seconds=6), "-c:v", "libx264", "-g", "1000", *AAC, str(clip))

    poster = poster_frame(clip, 6.0, workdir)

    assert poster.read_bytes()[:3] == b"\xff\xd8\xff"
    assert [p.name for p in workdir.iterdir()] == ["poster.jpg"]


def test_a_poster_that_cannot_be_made_fails_and_leaves_nothing(test_media, workdir):
    with pytest.raises(ProcessingFailed):
        poster_frame(test_media.corrupt, 4.0, workdir)

    assert list(workdir.iterdir()) == []


def test_the_sprite_holds_a_tile_a_second_and_its_cues_cover_the_video(test_media, workdir):
    facts = probe(test_media.mkv_h264_aac_srt)

    sprite = thumbnail_sprite(test_media.mkv_h264_aac_srt, facts.duration, workdir)

    assert (sprite.tile_width, sprite.tile_height, sprite.interval) == (160, 90, 1.0)
    assert (sprite.columns, sprite.rows) == (4, 1)
    assert probe_size(sprite.image) == (sprite.columns * 160, sprite.rows * 90)
    track = sprite.vtt.read_text()
    assert track.startswith("WEBVTT")
    times = cues(track)
    assert times[0][0] == 0
    assert times[-1][1] == pytest.approx(facts.duration, abs=0.001)
    assert all(end == next_start for (_, end), (next_start, _) in itertools.pairwise(times))
    assert "00:00:01.000 --> 00:00:02.000\nsprite.jpg#xywh=160,0,160,90\n" in track
    assert sorted(path.name for path in workdir.iterdir()) == ["sprite.jpg", "sprite.vtt"]


def brightness_steps(path: Path, keyframe_every: int) -> Path:
    """4 s of grey getting brighter each second (luma 16, 76, 136, 196), 25 fps."""
    subprocess.run(
        ["ffmpeg", "-v", "error", "-y", "-f", "lavfi",
         "-i", "color=c=black:s=320x180:r=25:d=4,format=gray,geq=lum='16+60*floor(T)'",
         "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p",
         "-g", str(keyframe_every), str(path)],
        check=True,
    )  # fmt: skip
    return path


def tile_brightness(sprite) -> list[int]:
    """The mean luma of each tile of a one-row sprite."""
    grey = subprocess.run(
        ["ffmpeg", "-v", "error", "-i", str(sprite.image), "-f", "rawvideo",
         "-pix_fmt", "gray", "-"],
        capture_output=True, check=True,
    ).stdout  # fmt: skip
    width = sprite.columns * sprite.tile_width
    rows = [grey[y * width : (y + 1) * width] for y in range(sprite.tile_height)]
    return [
        round(
            sum(sum(row[x * sprite.tile_width : (x + 1) * sprite.tile_width]) for row in rows)
            / (sprite.tile_width * sprite.tile_height)
        )
        for x in range(sprite.columns)
    ]


def test_each_tile_shows_its_own_second_between_keyframes(tmp_path, workdir):
    # A keyframe every 2 s: the tiles of the seconds between them are decoded frames too
    # (issue 12; keyframes alone gave 16, 16, 136, 136).
    video = brightness_steps(tmp_path / "steps.mkv", keyframe_every=50)

    sprite = thumbnail_sprite(video, 4.0, workdir)

    assert tile_brightness(sprite) == [pytest.approx(level, abs=8) for level in (16, 76, 136, 196)]


# The keyframe selection reads packet times, whose units differ by container.
@pytest.mark.parametrize("container", ["mkv", "mp4", "ts"])
def test_with_sparse_tiles_only_the_first_keyframe_of_each_interval_is_used(
    tmp_path, workdir, monkeypatch, container
):
    monkeypatch.setattr(artifacts, "SPRITE_MAX_TILES", 2)  # a tile every 2 s
    video = brightness_steps(tmp_path / f"steps.{container}", keyframe_every=25)

    sprite = thumbnail_sprite(video, 4.0, workdir)

    assert (sprite.interval, sprite.columns) == (2.0, 2)
    assert tile_brightness(sprite) == [pytest.approx(level, abs=8) for level in (16, 136)]


@pytest.mark.parametrize(
    ("duration", "layout"),
    [
        (7200, (18.0, 400, 20, 20)),
        (90.5, (1.0, 91, 20, 5)),
        (4.021, (1.0, 4, 4, 1)),
        (0.5, (1.0, 1, 1, 1)),
        (1000.0012, (2.5, 400, 20, 20)),
    ],
)
def test_the_sprite_never_has_more_than_400_tiles(duration, layout):
    assert sprite_layout(duration) == layout


def probe_size(path: Path) -> tuple[int, int]:
    output = subprocess.run(
        ["ffprobe", "-v", "error", "-show_entries", "stream=width,height", "-of", "csv=p=0",
         str(path)],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    width, height = output.strip().split(",")
    return int(width), int(height)
