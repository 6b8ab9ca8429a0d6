"""Run ffmpeg as a child process: progress from its `-progress` report, errors in plain words.

ffmpeg writes `key=value` lines to stdout (`-progress pipe:1`), a block every `-stats_period`
ending with `progress=continue` (or `progress=end`); its errors go to stderr, of which the last
lines are kept to explain a failure. The progress callback is also the cancel point: when it
raises `IngestCancelled`, ffmpeg is stopped and the exception goes on to the caller.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from streaming.ingest.errors import ProcessingFailed

Progress = Callable[[float], None]


@dataclass(frozen=True)
class Stats:
    """What ffmpeg's last progress block said: seconds of output written, of `duration`,
    and its speed in seconds of video per second of wall time (None before it knows)."""

    done_seconds: float
    duration: float | None
    speed: float | None

    @property
    def eta_seconds(self) -> int | None:
        if not self.duration or not self.speed or self.speed <= 0:
            return None
        return max(0, round((self.duration - self.done_seconds) / self.speed))


StatsCallback = Callable[[Stats], None]

GLOBAL_OPTIONS = ["-hide_banner", "-nostdin", "-y", "-nostats", "-loglevel", "error"]
# ffmpeg reports this often (-stats_period) and the callback is called at most this often.
PROGRESS_EVERY = 0.25
STDERR_LINES = 40
# After SIGTERM ffmpeg finishes writing what it has; one that has not stopped by then is killed.
TERMINATE_GRACE = 5.0
# Lines ffmpeg prints after the one that says what went wrong.
_UNHELPFUL_LINES = ("Conversion failed!", "To ignore this, add a trailing '?' to the map.")
_CONTEXT_ADDRESS = re.compile(r"^\[([\w.,-]+) @ 0x[0-9a-f]+\] ")

# The demuxers (`ffmpeg -demuxers`, ffmpeg 5.1 names) of the containers videos come in. A
# file is sniffed, not trusted by its name: without this list a DASH manifest, an HLS
# playlist, an ffconcat script or an SDP file sent as "film.mp4" makes ffmpeg open the
# files or addresses it names, and a local file ends up in the catalogue. HLS and DASH come
# in only through yt-dlp (ytdlp_download), whose requests go through the SSRF guard.
VIDEO_DEMUXERS = (
    *("mov", "mp4", "m4a", "3gp", "3g2", "mj2"),  # one demuxer: QuickTime / ISO BMFF
    *("matroska", "webm", "avi", "mpegts", "mpeg", "flv", "ogg", "asf"),
)
# Per-input options (before `-i`, or before ffprobe's one input): read the named local file
# only. Not `concat:`, `subfile,` or any network protocol, even nested inside a demuxer.
INPUT_GUARD = ["-protocol_whitelist", "file", "-format_whitelist", ",".join(VIDEO_DEMUXERS)]


def _binary(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise ProcessingFailed(
            f"{name} is not installed on the worker (Debian: `apt-get install ffmpeg`)"
        )
    return found


def ffmpeg_binary() -> str:
    return _binary("ffmpeg")


def ffprobe_binary() -> str:
    return _binary("ffprobe")


def guarded_input(path: Path) -> list[str]:
    """`-i path` for a video nobody vouches for: one local file in a container on the list."""
    return [*INPUT_GUARD, "-i", str(path)]


def run_ffmpeg(
    args: list[str],
    *,
    duration: float | None,
    progress: Progress | None,
    timeout: float | None,
    stats: StatsCallback | None = None,
    niceness: int = 0,
    cwd: Path | None = None,
) -> None:
    """Run `ffmpeg <args>`, reporting the fraction done (0..1) of a `duration`-second input,
    and with `stats` the time done and ffmpeg's speed before each `progress` call. A
    `niceness` above 0 runs it at that lower CPU priority (`nice -n`); `cwd` is the folder
    relative output names are written to.

    Raises ProcessingFailed when ffmpeg fails or runs past `timeout` seconds, and lets
    whatever `progress` raises (IngestCancelled) through once ffmpeg has been stopped.
    """
    command = [
        ffmpeg_binary(),
        *GLOBAL_OPTIONS,
        "-progress",
        "pipe:1",
        "-stats_period",
        str(PROGRESS_EVERY if progress else 5),
        *args,
    ]
    if niceness > 0 and (nice := shutil.which("nice")):
        command = [nice, "-n", str(niceness), *command]
    process = spawn(command, cwd)
    stdout, stderr = process.stdout, process.stderr
    if stdout is None or stderr is None:  # never: both are started as pipes
        _stop(process)
        raise ProcessingFailed("ffmpeg started without its output pipes")
    stderr_tail: deque[str] = deque(maxlen=STDERR_LINES)
    stderr_reader = threading.Thread(
        target=stderr_tail.extend, args=(stderr,), name="ffmpeg-stderr", daemon=True
    )
    stderr_reader.start()
    timed_out = threading.Event()
    timer = None
    if timeout is not None:
        timer = threading.Timer(timeout, _expire, args=(process, timed_out))
        timer.daemon = True
        timer.start()
    try:
        _follow_progress(stdout, duration, progress, stats)
        returncode = process.wait()
    finally:
        # Reached early only when the callback raised (cancel) or the worker is being stopped.
        if timer is not None:
            timer.cancel()
        if process.poll() is None:
            _stop(process)
        stderr_reader.join(timeout=TERMINATE_GRACE)
        stdout.close()
        stderr.close()
    if returncode != 0:
        if timed_out.is_set():
            raise ProcessingFailed(f"ffmpeg took longer than {timeout:g} s and was stopped")
        raise ProcessingFailed(failure_reason(returncode, stderr_tail))
    if progress is not None:
        progress(1.0)


def spawn(command: list[str], cwd: Path | None = None) -> subprocess.Popen:
    """Start ffmpeg with its report (stdout) and its errors (stderr) as text pipes, dying
    with this process."""
    return subprocess.Popen(
        die_with_parent(command),
        cwd=cwd,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        errors="replace",
    )


def _follow_progress(
    lines: Iterable[str],
    duration: float | None,
    progress: Progress | None,
    stats: StatsCallback | None = None,
):
    total_us = duration * 1_000_000 if duration and duration > 0 else None
    done = 0.0
    last_call = 0.0
    out_time_us = None
    speed = None
    for line in lines:
        key, _, value = line.strip().partition("=")
        if key in ("out_time_us", "out_time_ms"):
            # Both are microseconds (out_time_ms is misnamed in ffmpeg); "N/A" before output.
            if value.lstrip("-").isdigit():
                out_time_us = int(value)
        elif key == "speed":
            speed = parse_speed(value)
        elif key == "progress" and progress is not None:
            if total_us is not None and out_time_us is not None:
                done = max(done, min(1.0, out_time_us / total_us))
            now = time.monotonic()
            # The end block is followed by progress(1.0) once ffmpeg has exited cleanly.
            if value != "end" and now - last_call >= PROGRESS_EVERY:
                last_call = now
                if stats is not None and out_time_us is not None:
                    stats(Stats(max(0, out_time_us) / 1_000_000, duration, speed))
                progress(done)


def parse_speed(value: str) -> float | None:
    """ffmpeg's `speed=2.35x` (or `N/A` before it has a figure) as 2.35."""
    try:
        speed = float(value.strip().rstrip("x"))
    except ValueError:
        return None
    return speed if speed > 0 else None


def failure_reason(returncode: int, stderr_tail: Iterable[str]) -> str:
    """One line for the job log: what ffmpeg said last, or how it ended."""
    lines = [line.strip() for line in stderr_tail if line.strip()]
    # "[dash @ 0x..] Format not on whitelist" says more than "<path>: Invalid argument" after it.
    refused = [line for line in lines if "not on whitelist" in line]
    helpful = refused or [line for line in lines if line not in _UNHELPFUL_LINES]
    if helpful:
        said = _CONTEXT_ADDRESS.sub(r"\1: ", helpful[-1])
        return f"ffmpeg failed: {said}"
    if returncode < 0:
        return f"ffmpeg was stopped by signal {-returncode}"
    return f"ffmpeg failed with exit status {returncode} and no message"


def _stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=TERMINATE_GRACE)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def _expire(process: subprocess.Popen, timed_out: threading.Event) -> None:
    timed_out.set()
    _stop(process)


def die_with_parent(command: list[str]) -> list[str]:
    """Prefix `setpriv --pdeathsig KILL` (util-linux, Linux): a worker killed with SIGKILL
    takes its ffmpeg along instead of leaving it transcoding for a job another worker has
    taken over. (A preexec_fn would do the same but is unsafe in a threaded process.)"""
    setpriv = shutil.which("setpriv")
    return [setpriv, "--pdeathsig", "KILL", *command] if setpriv else command
