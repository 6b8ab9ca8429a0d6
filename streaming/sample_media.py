"""A short sample film made with ffmpeg, so a fresh install has something to play."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from streaming.models import Title
from streaming.storing import publish_as_film, store_file

SAMPLE_NAME = "shadowvault-sample.mp4"
FFMPEG_HINT = (
    "ffmpeg is not installed, so no sample video was made. Install it with "
    "`sudo apt-get install ffmpeg` (Debian/Ubuntu), `sudo dnf install ffmpeg` (Fedora) "
    "or `brew install ffmpeg` (macOS), then run `make run` again."
)


class SampleMediaError(Exception):
    pass


def ffmpeg_path() -> str | None:
    return shutil.which("ffmpeg")


def make_sample_video(target: Path, seconds: int = 10) -> Path:
    """Write an H.264/AAC MP4 with the moov atom first (faststart), a browser plays it as is."""
    ffmpeg = ffmpeg_path()
    if ffmpeg is None:
        raise SampleMediaError(FFMPEG_HINT)
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


def ensure_sample_video(folder: Path) -> Path:
    target = folder / SAMPLE_NAME
    if target.exists():
        return target
    return make_sample_video(target)


SAMPLE_TITLE = "ShadowVault Sample"


def ensure_sample_title(folder: Path):
    """Make the sample video a published film, so a new install has one playable title.

    Ingest (issue 4) will take this over; until then the file is stored directly.
    """
    existing = Title.objects.filter(title=SAMPLE_TITLE).first()
    if existing is not None:
        return existing
    video = ensure_sample_video(folder)
    stored = store_file(video, "ShadowVault Sample.mp4", "local")
    media = publish_as_film(
        stored,
        SAMPLE_TITLE,
        title_fields={
            "year": 2026,
            "runtime_minutes": 1,
            "overview": "Ten seconds of test pattern and a 440 Hz tone, made by ffmpeg at install.",
        },
        quality_label="360p",
        width=640,
        height=360,
        duration_seconds=10.0,
        video_codec="h264",
        audio_codec="aac",
    )
    return media.title
