"""One progressive encoder: ffmpeg from a segment onwards, writing CMAF segments to a folder.

ffmpeg's HLS muxer writes fragmented MP4 (`init.mp4` and `seg-NNNNN.m4s`) and keeps an EVENT
playlist of the segments it has finished; with `temp_file` a segment gets its name only once
it is complete, so a name in the playlist is a segment that may be stored. Keyframes are
forced every segment length from the run's start, and the run starts on a segment boundary
with its timestamps shifted there (`-output_ts_offset`): segment n of any run covers the same
time, so runs started at different places fill in one timeline.
"""

from __future__ import annotations

import re
import secrets
import shutil
import signal
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from streaming.ingest.ffmpeg_run import (
    GLOBAL_OPTIONS,
    ffmpeg_binary,
    guarded_input,
    parse_speed,
    spawn,
)
from streaming.ingest.media_plan import Plan
from streaming.ingest.playable import SEGMENT_INIT, SEGMENT_NAMES, SEGMENT_PLAYLIST
from streaming.progressive.rungs import Rung

# The names the final encode's segments get too (streaming/ingest/playable.py).
PLAYLIST = SEGMENT_PLAYLIST
INIT = SEGMENT_INIT
AUDIO_BITRATE = "128k"
_ENTRY = re.compile(r"#EXTINF:([0-9.]+),\s*\n(seg-(\d+)\.m4s)")


@dataclass(frozen=True)
class Finished:
    """A segment ffmpeg has finished: its number, length and file."""

    number: int
    duration: float
    path: Path


def encoder_args(
    source: Path, plan: Plan, rung: Rung, first: int, segment_seconds: float, folder: Path
) -> list[str]:
    """ffmpeg's arguments (after the global options) for a run from segment `first`."""
    start = first * segment_seconds
    video = f"0:{plan.video_index}" if plan.video_index is not None else "0:V:0"
    # -ss before -i: ffmpeg seeks in the file, then decodes from the keyframe before `start`
    # and drops what comes before it (accurate seek), so the run starts exactly there.
    seek = ["-ss", f"{start:.3f}"] if first else []
    if settings.PROGRESSIVE_READ_RATE:
        seek += ["-readrate", str(settings.PROGRESSIVE_READ_RATE)]
    args = [*seek, *guarded_input(source), "-map", video]
    if plan.audio_tracks:
        # One audio track: a browser's SourceBuffer plays one; the final MP4 keeps them all.
        args += ["-map", f"0:{plan.audio_tracks[0].index}"]
    args += [
        "-sn", "-dn", "-map_metadata", "-1",
        # fast_bilinear: on 15 s of the bench's 4K HEVC, 13.5 CPU-s against bicubic's 16-18.7
        # (the scaler is a fifth of a run's CPU there). Some aliasing, for minutes, until
        # the final MP4 (scaled with care) replaces the rendition.
        "-vf", f"scale=-2:'min({rung.height},trunc(ih/2)*2)':flags=fast_bilinear,format=yuv420p",
        "-c:v", "libx264", "-preset", rung.preset, "-crf", str(rung.crf),
        "-force_key_frames", f"expr:gte(t,n_forced*{segment_seconds:g})",
        "-sc_threshold", "0",
    ]  # fmt: skip
    if plan.audio_tracks:
        args += ["-c:a", "aac", "-b:a", AUDIO_BITRATE, "-ac", "2"]
    args += [
        "-output_ts_offset", f"{start:.3f}",
        "-f", "hls", "-hls_time", f"{segment_seconds:g}", "-hls_segment_type", "fmp4",
        "-hls_playlist_type", "event", "-hls_flags", "independent_segments+temp_file",
        "-start_number", str(first), "-hls_fmp4_init_filename", INIT,
        "-hls_segment_filename", str(folder / SEGMENT_NAMES), str(folder / PLAYLIST),
    ]  # fmt: skip
    return args


class SegmentFolder:
    """Segments an ffmpeg HLS muxer writes to a folder, numbered from `first`, read from the
    playlist it keeps: what an encoder run and the final encode's segments have in common."""

    def __init__(self, folder: Path, rung: Rung, first: int, segment_seconds: float) -> None:
        self.folder, self.rung = folder, rung
        self.first, self.segment_seconds = first, segment_seconds
        self.started = time.monotonic()
        self.speed: float | None = None
        self.done_seconds = 0.0
        self.stopped = False  # stopped by us, not ended by itself
        self.ends_before: int | None = None  # an empty segment marked the film's end here
        self.output_from: tuple[float, float] | None = None  # (wall, film) the speed counts from
        self._taken: set[int] = set()

    @property
    def start(self) -> float:
        return self.first * self.segment_seconds

    @property
    def position(self) -> float:
        """Where the run has got to, in seconds of the film."""
        return self.start + self.done_seconds

    @property
    def next_number(self) -> int:
        """The segment the run is making now (one past the last it finished)."""
        return max(self._taken) + 1 if self._taken else self.first

    @property
    def init_path(self) -> Path:
        return self.folder / INIT

    def finished_segments(self) -> list[Finished]:
        """Segments finished since the last call, in order (from the run's own playlist)."""
        try:
            text = (self.folder / PLAYLIST).read_text()
        except FileNotFoundError:
            return []
        found = []
        for match in _ENTRY.finditer(text):
            number = int(match.group(3))
            path = self.folder / match.group(2)
            if number not in self._taken and path.exists():
                self._taken.add(number)
                found.append(Finished(number, float(match.group(1)), path))
        return found


class EncoderRun(SegmentFolder):
    """A running ffmpeg making segments from `first` on, in a folder of its own."""

    def __init__(
        self,
        source: Path,
        plan: Plan,
        rung: Rung,
        first: int,
        segment_seconds: float,
        parent: Path,
        slot=None,
    ) -> None:
        folder = parent / f"run-{first:05d}-{secrets.token_hex(3)}"
        folder.mkdir(parents=True)
        super().__init__(folder, rung, first, segment_seconds)
        self.slot = slot  # released with the run (slots.EncoderSlot)
        self.paused = False
        self._stderr: list[str] = []
        command = [
            ffmpeg_binary(), *GLOBAL_OPTIONS, "-progress", "pipe:1", "-stats_period", "0.5",
            *encoder_args(source, plan, rung, first, segment_seconds, self.folder),
        ]  # fmt: skip
        self.process = spawn(command)
        threading.Thread(target=self._read_progress, daemon=True, name="progressive-run").start()
        threading.Thread(target=self._read_errors, daemon=True, name="progressive-err").start()

    @property
    def running(self) -> bool:
        return self.process.poll() is None

    @property
    def failed(self) -> bool:
        code = self.process.poll()
        return code is not None and code != 0 and not self.stopped

    @property
    def error(self) -> str:
        lines = [line.strip() for line in self._stderr if line.strip()]
        return lines[-1] if lines else f"ffmpeg ended with status {self.process.poll()}"

    def pause(self) -> None:
        """Hold ffmpeg where it is (SIGSTOP): its core goes to a run a viewer waits for."""
        if not self.paused and self.running:
            self.process.send_signal(signal.SIGSTOP)
            self.paused = True

    def resume(self) -> None:
        if self.paused:
            if self.running:
                self.process.send_signal(signal.SIGCONT)
            self.paused = False

    def measure_afresh(self) -> None:
        """Count the speed from now: the CPU the run shares has changed (a run started,
        ended, paused or resumed beside it), so what it measured before says nothing now."""
        if self.output_from is not None:
            self.output_from = (time.monotonic(), self.done_seconds)
            self.speed = None

    def stop(self) -> None:
        """Stop ffmpeg (what it finished stays in the folder) and give the slot back."""
        self.resume()  # a stopped process would hold SIGTERM until continued
        if self.process.poll() is None:
            self.stopped = True
            self.process.terminate()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.release()

    def release(self) -> None:
        if self.slot is not None:
            self.slot.release()
            self.slot = None

    def remove(self) -> None:
        self.stop()
        shutil.rmtree(self.folder, ignore_errors=True)

    def _read_progress(self) -> None:
        for line in self.process.stdout or ():
            key, _, value = line.strip().partition("=")
            if key == "out_time_us" and value.lstrip("-").isdigit():
                # Microseconds of output from the run's start (the shift is not counted).
                self.done_seconds = max(0.0, int(value) / 1_000_000)
                if self.done_seconds > 0 and self.output_from is None:
                    self.output_from = (time.monotonic(), self.done_seconds)
            elif key == "speed":
                self.speed = self._sustained_speed() or parse_speed(value)

    def _sustained_speed(self) -> float | None:
        """Seconds of film per wall second since the first output. ffmpeg's own figure counts
        from the start, where a run after a seek decodes from the source's keyframe before
        its first segment (seconds of 4K HEVC): a run judged on it was stepped down for a
        wait that was already over."""
        if self.output_from is None:
            return None
        since, done = self.output_from
        elapsed = time.monotonic() - since
        return (self.done_seconds - done) / elapsed if elapsed >= 1.0 else None

    def _read_errors(self) -> None:
        for line in self.process.stderr or ():
            self._stderr = [*self._stderr[-20:], line]
