"""Small media files made with ffmpeg for the ingest tests, each made once per test session.

`test_media` (a session fixture) hands out a `MediaSet`: every attribute is a file path,
made the first time a test asks for it, in one temporary folder. The files are tiny
(320x180, a few seconds) so a whole ingest run over one takes a fraction of a second.
`make_large_h264_mkv` makes the ~1 GB file the ingest benchmark needs; tests never call it.
"""

from __future__ import annotations

import subprocess
from functools import cached_property
from pathlib import Path

import pytest

SECONDS = 4
SIZE = "320x180"


def _srt(first: str, second: str) -> str:
    return (
        f"1\n00:00:00,500 --> 00:00:01,500\n{first}\n\n2\n00:00:02,000 --> 00:00:03,000\n{second}\n"
    )


SRT_ENGLISH = _srt("Hello there.", "Bye.")
SRT_PORTUGUESE = _srt("Olá.", "Tchau.")


def ffmpeg(*args: str) -> None:
    subprocess.run(
        ["ffmpeg", "-hide_banner", "-nostdin", "-loglevel", "error", "-y", *args],
        check=True,
        timeout=120,
    )


def _sources(seconds: float = SECONDS, size: str = SIZE, rate: int = 25) -> list[str]:
    return [
        *("-f", "lavfi", "-i", f"testsrc2=size={size}:rate={rate}:duration={seconds}"),
        *("-f", "lavfi", "-i", f"sine=frequency=440:sample_rate=48000:duration={seconds}"),
    ]


H264 = ["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-g", "25"]
AAC = ["-c:a", "aac", "-b:a", "64k"]


class MediaSet:
    def __init__(self, folder: Path) -> None:
        self.folder = folder

    @cached_property
    def mp4_faststart(self) -> Path:
        path = self.folder / "faststart.mp4"
        ffmpeg(*_sources(), *H264, *AAC, "-metadata:s:a:0", "language=eng",
               "-movflags", "+faststart", str(path))  # fmt: skip
        return path

    @cached_property
    def mp4_moov_at_end(self) -> Path:
        path = self.folder / "moov-at-end.mp4"
        ffmpeg(*_sources(), *H264, *AAC, "-metadata:s:a:0", "language=eng", str(path))
        return path

    @cached_property
    def mkv_h264_aac_srt(self) -> Path:
        """H.264, two AAC tracks (eng, por) and two SRT tracks (eng, por)."""
        english, portuguese = self.folder / "en.srt", self.folder / "pt.srt"
        english.write_text(SRT_ENGLISH, encoding="utf-8")
        portuguese.write_text(SRT_PORTUGUESE, encoding="utf-8")
        path = self.folder / "h264-aac-srt.mkv"
        ffmpeg(
            *_sources(),
            *("-f", "lavfi", "-i", f"sine=frequency=660:sample_rate=48000:duration={SECONDS}"),
            *("-i", str(english), "-i", str(portuguese)),
            *("-map", "0:v", "-map", "1:a", "-map", "2:a", "-map", "3:s", "-map", "4:s"),
            *H264, *AAC, "-c:s", "srt",
            *("-metadata:s:a:0", "language=eng", "-metadata:s:a:1", "language=por"),
            *("-metadata:s:s:0", "language=eng", "-metadata:s:s:1", "language=por"),
            *("-metadata:s:s:1", "title=Português", "-disposition:s:0", "default"),
            str(path),
        )  # fmt: skip
        return path

    @cached_property
    def mpeg2_ac3(self) -> Path:
        path = self.folder / "mpeg2-ac3.ts"
        ffmpeg(*_sources(), "-c:v", "mpeg2video", "-q:v", "5", "-c:a", "ac3", "-ac", "2",
               "-f", "mpegts", str(path))  # fmt: skip
        return path

    @cached_property
    def h264_ac3_mkv(self) -> Path:
        path = self.folder / "h264-ac3.mkv"
        ffmpeg(*_sources(), *H264, "-c:a", "ac3", str(path))
        return path

    @cached_property
    def audio_only(self) -> Path:
        """AAC in an .m4a with cover art, which ffprobe lists as a (one-picture) video stream."""
        path = self.folder / "audio-only.m4a"
        ffmpeg(
            *("-f", "lavfi", "-i", f"sine=duration={SECONDS}"),
            *("-f", "lavfi", "-i", "color=c=red:size=64x64:rate=1:duration=1"),
            *("-map", "0:a", "-map", "1:v", *AAC, "-c:v", "mjpeg"),
            *("-disposition:v:0", "attached_pic", str(path)),
        )
        return path

    @cached_property
    def corrupt(self) -> Path:
        """An MP4 (moov at the end) cut to its first tenth, as a broken download leaves it."""
        path = self.folder / "corrupt.mp4"
        data = self.mp4_moov_at_end.read_bytes()
        path.write_bytes(data[: len(data) // 10])
        return path

    @cached_property
    def undecodable(self) -> Path:
        """An MKV whose video codec id is one no decoder claims (ffprobe: no codec_name)."""
        source = self.folder / "undecodable-source.mkv"
        ffmpeg(*_sources(seconds=2), *H264, *AAC, str(source))
        data = source.read_bytes()
        assert data.count(b"V_MPEG4/ISO/AVC") == 1
        path = self.folder / "undecodable.mkv"
        path.write_bytes(data.replace(b"V_MPEG4/ISO/AVC", b"V_XXXXX/ISO/AVC"))
        return path

    @cached_property
    def not_media(self) -> Path:
        path = self.folder / "notes.txt"
        path.write_text("These are not the frames you are looking for.\n" * 50)
        return path


@pytest.fixture(scope="session")
def test_media(tmp_path_factory) -> MediaSet:
    return MediaSet(tmp_path_factory.mktemp("media"))


def make_large_h264_mkv(path: Path, seconds: int = 300) -> Path:
    """1080p25 H.264 (keyframe every 2 s) with AAC in MKV, for the ingest benchmark.

    Lossless (`-qp 0`) on ultrafast makes a big file fast: testsrc2 comes to about 3.5 MB a
    second, so the default 300 s is about 1 GB, made in a minute and a half on 2 cores.
    Not used by tests.
    """
    ffmpeg(
        *_sources(seconds=seconds, size="1920x1080"),
        *("-c:v", "libx264", "-preset", "ultrafast", "-qp", "0", "-pix_fmt", "yuv420p"),
        *("-g", "50", "-keyint_min", "50", "-sc_threshold", "0"),
        *AAC,
        str(path),
    )
    return path
