"""A short sample film made with ffmpeg, so a fresh install has something to play."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from streaming.ingest.runner import run_inline
from streaming.ingest.service import submit_paths
from streaming.models import IngestJob, Title

SAMPLE_NAME = "ShadowVault Sample (2026).mkv"
FFMPEG_HINT = (
    "ffmpeg is not installed, so no sample video was made. Install it with "
    "`sudo apt-get install ffmpeg` (Debian/Ubuntu), `sudo dnf install ffmpeg` (Fedora) "
    "or `brew install ffmpeg` (macOS), then run `make run` again."
)


class SampleMediaError(Exception):
    pass


def ffmpeg_path() -> str | None:
    return shutil.which("ffmpeg")


def _required_ffmpeg() -> str:
    found = ffmpeg_path()
    if found is None:
        raise SampleMediaError(FFMPEG_HINT)
    return found


def make_sample_video(target: Path, seconds: int = 10) -> Path:
    """Write an H.264/AAC MP4 with the moov atom first (faststart), a browser plays it as is."""
    ffmpeg = _required_ffmpeg()
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".partial.mp4")
    command = [
        ffmpeg,
        "-hide_banner",
        "-loglevel",
        "error",
        "-y",
        "-f",
        "lavfi",
        "-i",
        f"testsrc2=size=640x360:rate=25:duration={seconds}",
        "-f",
        "lavfi",
        "-i",
        f"sine=frequency=440:sample_rate=48000:duration={seconds}",
        "-c:v",
        "libx264",
        "-preset",
        "veryfast",
        "-pix_fmt",
        "yuv420p",
        "-c:a",
        "aac",
        "-b:a",
        "96k",
        "-shortest",
        "-movflags",
        "+faststart",
        str(partial),
    ]
    result = subprocess.run(command, capture_output=True, text=True, timeout=120)
    if result.returncode != 0:
        partial.unlink(missing_ok=True)
        raise SampleMediaError(f"ffmpeg failed: {result.stderr.strip()[-500:]}")
    partial.replace(target)  # never leave a half-written sample where it would be imported
    return target


SAMPLE_SUBTITLES = """1
00:00:00,500 --> 00:00:04,000
Welcome to ShadowVault.

2
00:00:04,500 --> 00:00:09,500
This sample came in through the ingest pipeline.
"""


def make_sample_source(target: Path, seconds: int = 10) -> Path:
    """An MKV with H.264/AAC and an English SRT track: the ingest pipeline remuxes it to a
    faststart MP4 (no re-encode), turns the subtitles into WebVTT and makes seek previews."""
    target.parent.mkdir(parents=True, exist_ok=True)
    video = make_sample_video(target.with_suffix(".tmp.mp4"), seconds)
    srt = target.with_suffix(".tmp.srt")
    srt.write_text(SAMPLE_SUBTITLES, encoding="utf-8")
    partial = target.with_suffix(".partial.mkv")
    command = [
        _required_ffmpeg(), "-hide_banner", "-loglevel", "error", "-y", "-i", str(video),
        "-i", str(srt), "-map", "0", "-map", "1", "-c", "copy", "-c:s", "srt",
        "-metadata:s:s:0", "language=eng", str(partial),
    ]  # fmt: skip
    try:
        result = subprocess.run(command, capture_output=True, text=True, timeout=120)
        if result.returncode != 0:
            raise SampleMediaError(f"ffmpeg failed: {result.stderr.strip()[-500:]}")
        partial.replace(target)
    finally:
        for leftover in (video, srt, partial):
            leftover.unlink(missing_ok=True)
    return target


SAMPLE_TITLE = "ShadowVault Sample"
SAMPLE_OVERVIEW = (
    "Ten seconds of test pattern and a 440 Hz tone with English subtitles, made by ffmpeg at "
    "install and imported through the ingest pipeline."
)


def ensure_sample_title(folder: Path, tenant) -> Title:
    """Import the sample through the ingest pipeline, so a new install has one playable
    title and the pipeline has run once on this machine."""
    existing = Title.objects.filter(title=SAMPLE_TITLE).first()
    if existing is not None:
        return existing
    if ffmpeg_path() is None:
        raise SampleMediaError(FFMPEG_HINT)
    source = folder / SAMPLE_NAME
    if not source.exists():
        make_sample_source(source)
    [job] = submit_paths([source], tenant=tenant, via="bootstrap", queue=lambda job: None)
    job = run_inline(job)
    title = job.title
    if job.state != IngestJob.State.DONE or title is None:
        raise SampleMediaError(f"the sample could not be imported: {job.error}")
    title.overview = SAMPLE_OVERVIEW
    title.runtime_minutes = 1
    title.save(update_fields=["overview", "runtime_minutes", "updated_at"])
    return title
