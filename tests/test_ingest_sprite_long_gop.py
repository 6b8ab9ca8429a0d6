"""Seek previews of a video with far-apart keyframes (issue 12: the sprite decoded keyframes
only, so a long-GOP file gave the same picture in every tile): each tile shows a frame of
its own interval, whatever the keyframe spacing, and the ffmpeg input guard still holds."""

from __future__ import annotations

import hashlib
import itertools
import subprocess
from pathlib import Path

import pytest

from streaming.ingest import artifacts, ffmpeg_run, sprite_frames
from streaming.ingest.artifacts import thumbnail_sprite

SECONDS = 20


def one_keyframe_video(path: Path) -> Path:
    """20 s of testsrc2 (every frame differs) in H.264 with a single keyframe, at the start."""
    subprocess.run(
        ["ffmpeg", "-v", "error", "-y", "-f", "lavfi",
         "-i", f"testsrc2=size=320x180:rate=25:duration={SECONDS}",
         "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p",
         "-g", "100000", "-keyint_min", "100000", "-sc_threshold", "0", str(path)],
        check=True,
    )  # fmt: skip
    return path


def keyframe_count(path: Path) -> int:
    flags = subprocess.run(
        ["ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries", "packet=flags",
         "-of", "csv=p=0", str(path)],
        capture_output=True, text=True, check=True,
    ).stdout.split()  # fmt: skip
    return sum(1 for flag in flags if "K" in flag)


def tiles(sprite) -> list[bytes]:
    """The grey pixels of each tile of the sheet, as bytes."""
    width = sprite.columns * sprite.tile_width
    grey = subprocess.run(
        ["ffmpeg", "-v", "error", "-i", str(sprite.image), "-f", "rawvideo",
         "-pix_fmt", "gray", "-"],
        capture_output=True, check=True,
    ).stdout  # fmt: skip
    found = []
    for number in range(sprite.columns * sprite.rows):
        column, row = number % sprite.columns, number // sprite.columns
        top, left = row * sprite.tile_height, column * sprite.tile_width
        found.append(
            b"".join(
                grey[(top + y) * width + left : (top + y) * width + left + sprite.tile_width]
                for y in range(sprite.tile_height)
            )
        )
    return found


def test_a_one_keyframe_file_gives_a_different_picture_in_every_tile(tmp_path):
    video = one_keyframe_video(tmp_path / "long-gop.mp4")
    assert keyframe_count(video) == 1
    work = tmp_path / "work"
    work.mkdir()

    sprite = thumbnail_sprite(video, float(SECONDS), work)

    assert (sprite.columns, sprite.rows, sprite.interval) == (20, 1, 1.0)
    pictures = tiles(sprite)
    assert len({hashlib.sha256(tile).hexdigest() for tile in pictures}) == len(pictures) == 20
    # Not only different bytes: neighbouring tiles differ visibly (mean absolute difference).
    for one, two in itertools.pairwise(pictures):
        assert sum(abs(a - b) for a, b in zip(one, two, strict=True)) / len(one) > 2
    assert sorted(p.name for p in work.iterdir()) == ["sprite.jpg", "sprite.vtt"]


def test_the_sprite_reads_its_source_only_through_the_input_guard(tmp_path, monkeypatch):
    video = one_keyframe_video(tmp_path / "guarded.mp4")
    work = tmp_path / "work"
    work.mkdir()
    commands = []
    real = ffmpeg_run.run_ffmpeg

    def recording(args, **kwargs):
        commands.append(list(args))
        return real(args, **kwargs)

    monkeypatch.setattr(artifacts, "run_ffmpeg", recording)
    monkeypatch.setattr(sprite_frames, "run_ffmpeg", recording)

    thumbnail_sprite(video, float(SECONDS), work)

    # The first keyframes, then (slots without one) runs from keyframes on, then the draw.
    assert len(commands) == 3
    for args in commands:
        at = args.index("-i")
        assert args[at - 4 : at] == ffmpeg_run.INPUT_GUARD
    assert "nokey" not in commands[1], "frames between keyframes are decoded, not keyframes only"


@pytest.mark.parametrize("keyframe_every", [25, 100])
def test_the_frames_copied_for_decoding_are_few_when_keyframes_are_close(
    tmp_path, monkeypatch, keyframe_every
):
    """With tiles 4 s apart and a keyframe every 1 s, one GOP of each 4 s is decoded; with a
    keyframe every 4 s, every frame is needed."""
    monkeypatch.setattr(artifacts, "SPRITE_MAX_TILES", 5)  # a tile every 4 s
    video = tmp_path / "gop.mkv"
    subprocess.run(
        ["ffmpeg", "-v", "error", "-y", "-f", "lavfi",
         "-i", f"testsrc2=size=160x90:rate=25:duration={SECONDS}",
         "-c:v", "libx264", "-preset", "ultrafast", "-g", str(keyframe_every),
         "-sc_threshold", "0", str(video)],
        check=True,
    )  # fmt: skip
    selected = tmp_path / "selected.mkv"
    subprocess.run(
        ["ffmpeg", "-v", "error", "-y", "-i", str(video), "-map", "0:V:0", "-c", "copy",
         "-bsf:v", sprite_frames.keyframe_runs(4.0), "-f", "matroska", str(selected)],
        check=True,
    )  # fmt: skip
    packets = subprocess.run(
        ["ffprobe", "-v", "error", "-count_packets", "-select_streams", "v:0",
         "-show_entries", "stream=nb_read_packets", "-of", "csv=p=0", str(selected)],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip

    expected = 5 * 25 if keyframe_every == 25 else SECONDS * 25
    assert int(packets) == expected


def test_when_every_tile_has_a_keyframe_only_keyframes_are_decoded(tmp_path):
    video = tmp_path / "short-gop.mkv"
    subprocess.run(
        ["ffmpeg", "-v", "error", "-y", "-f", "lavfi",
         "-i", f"testsrc2=size=160x90:rate=25:duration={SECONDS}",
         "-c:v", "libx264", "-preset", "ultrafast", "-g", "25", "-sc_threshold", "0",
         str(video)],
        check=True,
    )  # fmt: skip
    selected = tmp_path / "selected.mkv"

    how = sprite_frames.copy_frames(video, 2.0, 10, selected, timeout=60)

    assert how == "keyframes"
    assert keyframe_count(selected) == 10
    assert sprite_frames.covered_slots(selected, 2.0) == set(range(10))
