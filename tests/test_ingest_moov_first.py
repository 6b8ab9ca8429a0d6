"""Moving an MP4's moov in front of its media while copying it: real ffmpeg outputs, the
layouts it refuses, and the make_playable fallback to ffmpeg's own faststart."""

from __future__ import annotations

import hashlib
import struct
import subprocess
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from streaming.ingest import playable as playable_module
from streaming.ingest.faststart import is_faststart
from streaming.ingest.media_plan import plan_for
from streaming.ingest.moov_first import (
    Layout,
    NotRelocatable,
    read_layout,
    shifted_moov,
    write_moov_first,
)
from streaming.ingest.playable import make_playable
from streaming.ingest.probe import probe


def ffmpeg(*args: str) -> None:
    subprocess.run(["ffmpeg", "-hide_banner", "-nostdin", "-loglevel", "error", "-y", *args],
                   check=True)  # fmt: skip


def frames_md5(path: Path) -> str:
    """A hash of every decoded frame of every stream: equal means the same pictures and sound."""
    result = subprocess.run(
        ["ffmpeg", "-hide_banner", "-loglevel", "error", "-i", str(path), "-map", "0",
         "-f", "framemd5", "-"],
        capture_output=True, check=True,
    )  # fmt: skip
    return hashlib.sha256(result.stdout).hexdigest()


def remux(source: Path, output: Path, *movflags: str) -> Path:
    flags = ["-movflags", "+".join(movflags)] if movflags else []
    copy = ["-map", "0:V", "-map", "0:a", "-c", "copy", "-tag:v", "avc1"]
    ffmpeg("-i", str(source), *copy, *flags, "-f", "mp4", str(output))
    return output


def test_ffmpegs_moov_last_output_comes_out_as_ffmpegs_faststart_would(test_media, tmp_path):
    moov_last = remux(test_media.mkv_h264_aac_srt, tmp_path / "last.mp4")
    reference = remux(test_media.mkv_h264_aac_srt, tmp_path / "ref.mp4", "faststart")
    progress: list[tuple[int, int]] = []

    sha256 = write_moov_first(
        moov_last, tmp_path / "ours.mp4", lambda d, t: progress.append((d, t))
    )

    ours = tmp_path / "ours.mp4"
    assert is_faststart(moov_last) is False
    assert is_faststart(ours) is True
    assert ours.stat().st_size == reference.stat().st_size
    assert frames_md5(ours) == frames_md5(reference)
    assert sha256 == hashlib.sha256(ours.read_bytes()).hexdigest()
    assert progress[-1] == (ours.stat().st_size, ours.stat().st_size)


def test_a_file_bigger_than_the_copy_buffer_is_hashed_right(test_media, tmp_path, monkeypatch):
    # Small buffers make the copy go round many times, hashing buffers in turn on the thread.
    monkeypatch.setattr("streaming.ingest.moov_first.CHUNK", 4096)
    moov_last = remux(test_media.mp4_moov_at_end, tmp_path / "last.mp4")

    sha256 = write_moov_first(moov_last, tmp_path / "ours.mp4")

    assert sha256 == hashlib.sha256((tmp_path / "ours.mp4").read_bytes()).hexdigest()
    assert frames_md5(tmp_path / "ours.mp4") == frames_md5(moov_last)


def test_a_file_already_moov_first_is_refused(test_media, tmp_path):
    with pytest.raises(NotRelocatable, match="already first"):
        write_moov_first(test_media.mp4_faststart, tmp_path / "x.mp4")


def test_a_fragmented_mp4_is_refused(test_media, tmp_path):
    fragmented = remux(test_media.mp4_faststart, tmp_path / "frag.mp4", "frag_keyframe",
                       "empty_moov")  # fmt: skip

    with pytest.raises(NotRelocatable):
        write_moov_first(fragmented, tmp_path / "x.mp4")


def test_a_truncated_file_is_refused(test_media, tmp_path):
    cut = tmp_path / "cut.mp4"
    cut.write_bytes(test_media.mp4_moov_at_end.read_bytes()[:-100])

    with pytest.raises(NotRelocatable):
        write_moov_first(cut, tmp_path / "x.mp4")


def box(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I4s", 8 + len(body), kind) + body


def stco(*offsets: int) -> bytes:
    return box(b"stco", struct.pack(">II", 0, len(offsets)) + b"".join(
        struct.pack(">I", o) for o in offsets))  # fmt: skip


def moov_with(table: bytes) -> bytes:
    return box(b"moov", box(b"trak", box(b"mdia", box(b"minf", box(b"stbl", table)))))


def moov_at(start: int, moov: bytes) -> Layout:
    """A file whose first mdat is at 40 and whose moov (last) starts at `start`."""
    return Layout(
        size=start + len(moov), first_mdat=40, moov_start=start, moov_end=start + len(moov)
    )


def test_offsets_between_mdat_and_moov_move_by_moovs_size_and_others_stay():
    moov = moov_with(stco(10, 100, 5000))
    layout = Layout(
        size=6000 + len(moov), first_mdat=40, moov_start=6000, moov_end=6000 + len(moov)
    )

    patched = shifted_moov(moov, layout)

    offsets = struct.unpack(">3I", patched[-12:])
    assert offsets == (10, 100 + len(moov), 5000 + len(moov))
    assert len(patched) == len(moov)


def test_a_32_bit_offset_pushed_past_4_gib_is_refused():
    moov = moov_with(stco(0xFFFFFFF0))
    start = 0xFFFFFFFF + 10
    layout = Layout(
        size=start + len(moov), first_mdat=40, moov_start=start, moov_end=start + len(moov)
    )

    with pytest.raises(NotRelocatable, match="4 GiB"):
        shifted_moov(moov, layout)


def test_an_entry_count_longer_than_its_box_is_refused():
    moov = moov_with(box(b"stco", struct.pack(">III", 0, 1000, 50)))
    layout = Layout(size=10_000, first_mdat=40, moov_start=9000, moov_end=9000 + len(moov))

    with pytest.raises(NotRelocatable, match="entry count"):
        shifted_moov(moov, layout)


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=400))
def test_hostile_moov_bytes_raise_not_relocatable_or_patch(data):
    layout = Layout(size=100_000, first_mdat=40, moov_start=90_000, moov_end=90_000 + len(data))
    try:
        patched = shifted_moov(moov_with(data), layout)
    except NotRelocatable:
        return
    assert len(patched) == len(moov_with(data))


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=300))
def test_hostile_files_raise_not_relocatable(tmp_path_factory, data):
    path = tmp_path_factory.mktemp("hostile") / "x.mp4"
    path.write_bytes(data)
    with pytest.raises(NotRelocatable):
        read_layout(path)


def test_make_playable_falls_back_to_ffmpegs_faststart(test_media, tmp_path, monkeypatch):
    def refuse(*args, **kwargs):
        raise NotRelocatable("as if the layout were unusual")

    monkeypatch.setattr(playable_module, "write_moov_first", refuse)
    source = test_media.mkv_h264_aac_srt
    facts = probe(source)

    result = make_playable(source, facts, plan_for(facts, None), tmp_path)

    assert result.sha256 is None  # storage hashes it while storing
    assert is_faststart(result.path) is True
    assert [p.name for p in tmp_path.iterdir()] == ["playable.mp4"]
