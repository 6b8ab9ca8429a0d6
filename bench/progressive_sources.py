"""The generated sources of bench/progressive.py: HEVC MKVs that need a transcode, made once
with ffmpeg (lavfi testsrc2 + sine, libx265 ultrafast) and kept in a cache folder, named by
their parameters, so a second run starts at once.

The cache is $SHADOWVAULT_BENCH_CACHE, else ~/.cache/shadowvault-bench. A file is written
under a temporary name and renamed when ffmpeg has finished: an interrupted run never leaves
a half-made source under the final name.
"""

from __future__ import annotations

import os
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

FPS = 25
VERSION = 1  # bump when the command below changes what it makes
# Seconds of 1080p 8-bit source libx265 ultrafast makes per second on these 2 cores (2.1x
# real time when nothing else runs); only for the "takes about" line while a source is made.
GENERATE_SPEED_1080P = 1.5


@dataclass(frozen=True)
class Source:
    label: str  # as the report names it
    seconds: int
    width: int
    height: int
    pix_fmt: str  # yuv420p or yuv420p10le
    audio: str  # ac3 or aac

    @property
    def file_name(self) -> str:
        return (
            f"progressive-v{VERSION}-hevc-{self.width}x{self.height}-{self.pix_fmt}-"
            f"{self.seconds}s-{FPS}fps-{self.audio}.mkv"
        )

    def estimated_seconds(self) -> float:
        """How long making it takes here, roughly (10-bit costs x265 about 1.4x, 4K about 4.4x
        1080p)."""
        scale = (self.width * self.height / (1920 * 1080)) ** 1.07
        depth = 1.4 if "10" in self.pix_fmt else 1.0
        return self.seconds * scale * depth / GENERATE_SPEED_1080P


# The three kinds the issue names; --quick uses short ones of the same kinds.
FULL = [
    Source("1080p HEVC", 60, 1920, 1080, "yuv420p", "ac3"),
    Source("1080p HEVC 10-bit", 600, 1920, 1080, "yuv420p10le", "aac"),
    Source("4K HEVC", 120, 3840, 2160, "yuv420p", "ac3"),
]
# (4K costs ffmpeg alone ~2.5 s a second of film here: the short one keeps --quick ~2 min.)
QUICK = [
    Source("1080p HEVC", 20, 1920, 1080, "yuv420p", "ac3"),
    Source("1080p HEVC 10-bit", 24, 1920, 1080, "yuv420p10le", "aac"),
    Source("4K HEVC", 8, 3840, 2160, "yuv420p", "ac3"),
]


def cache_dir() -> Path:
    configured = os.environ.get("SHADOWVAULT_BENCH_CACHE")
    return Path(configured) if configured else Path.home() / ".cache" / "shadowvault-bench"


def generate_command(source: Source, output: Path) -> list[str]:
    seconds = source.seconds
    return [
        "ffmpeg", "-hide_banner", "-nostdin", "-loglevel", "error", "-y",
        "-f", "lavfi",
        "-i", f"testsrc2=size={source.width}x{source.height}:rate={FPS}:duration={seconds}",
        "-f", "lavfi",
        "-i", f"sine=frequency=440:beep_factor=4:sample_rate=48000:duration={seconds}",
        "-map", "0:v", "-map", "1:a",
        "-c:v", "libx265", "-preset", "ultrafast", "-pix_fmt", source.pix_fmt,
        "-x265-params", "log-level=error",
        "-c:a", source.audio, "-b:a", "192k", "-ac", "2",
        "-f", "matroska", str(output),
    ]  # fmt: skip


def source_file(source: Source, log: Callable[[str], None]) -> Path:
    """The cached file for `source`, made first when it is not there yet."""
    folder = cache_dir()
    path = folder / source.file_name
    if path.is_file():
        return path
    folder.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.{os.getpid()}.partial")
    estimate = source.estimated_seconds()
    about = f"{estimate / 60:.0f} min" if estimate >= 120 else f"{estimate:.0f} s"
    log(
        f"making the {source.seconds} s {source.label} source once (about {about} on "
        f"{os.cpu_count()} cores), cached as {path}"
    )
    began = time.monotonic()
    try:
        subprocess.run(generate_command(source, partial), check=True)
        partial.replace(path)
    finally:
        partial.unlink(missing_ok=True)
    log(f"  made in {time.monotonic() - began:.0f} s")
    return path
