"""Make the browser-playable MP4 a Plan asks for: `workdir/playable.mp4`, moov first.

ffmpeg writes with moov last under a temporary name; `moov_first` then writes the final file
with moov in front, hashing it on the way (what `-movflags +faststart` would do with the same
bytes moved, minus the hash's own read). Everything is written under temporary names in the
same folder and renamed when whole, so a crash, a timeout or a cancel never leaves a
half-written file under the final name.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from streaming.ingest.ffmpeg_run import Progress, ffmpeg_binary, run_ffmpeg
from streaming.ingest.media_plan import Action, AudioStep, Plan, VideoStep
from streaming.ingest.moov_first import NotRelocatable, write_moov_first
from streaming.ingest.probe import Probe

PLAYABLE_NAME = "playable.mp4"
AUDIO_BITRATE = "160k"
# Of a remux's time, moving moov to the front is about half (the same bytes written again);
# of a transcode's, next to nothing. The job's percent is shared out accordingly.
MOVE_SHARE = {VideoStep.COPY: 0.5, VideoStep.ENCODE: 0.05}


@dataclass(frozen=True)
class Playable:
    path: Path
    sha256: str | None = None  # known when this module wrote the file, else None


def make_playable(
    source: Path,
    probe: Probe,
    plan: Plan,
    workdir: Path,
    progress: Progress | None = None,
    *,
    timeout: float | None = None,
) -> Playable:
    """Carry out `plan` on `source`; the source itself when the plan keeps it."""
    if plan.action is Action.KEEP:
        return Playable(source)
    output = workdir / PLAYABLE_NAME
    token = secrets.token_hex(4)
    moov_last = workdir / f".{PLAYABLE_NAME}.{token}.moov-last.partial"
    partial = workdir / f".{PLAYABLE_NAME}.{token}.partial"
    if timeout is None:
        timeout = settings.INGEST_PROCESS_TIME_LIMIT
    share = MOVE_SHARE.get(plan.video, 0.05)
    try:
        run_ffmpeg(
            ffmpeg_args_for(source, plan, moov_last, faststart=False),
            duration=probe.duration,
            progress=_scaled(progress, 0.0, 1.0 - share),
            timeout=timeout,
        )
        sha256 = _move_moov_first(moov_last, partial, _scaled(progress, 1.0 - share, share))
        os.replace(partial, output)
    finally:
        moov_last.unlink(missing_ok=True)
        partial.unlink(missing_ok=True)
    return Playable(output, sha256)


def _move_moov_first(moov_last: Path, partial: Path, progress: Progress | None) -> str | None:
    try:
        return write_moov_first(
            moov_last, partial, progress and (lambda done, total: progress(done / total))
        )
    except NotRelocatable:
        # A layout moov_first does not move (none that ffmpeg's mp4 muxer writes today):
        # ffmpeg moves it, and storage hashes the file as it stores it.
        partial.unlink(missing_ok=True)
        run_ffmpeg(
            ["-i", str(moov_last), "-map", "0", "-c", "copy", "-movflags", "+faststart",
             "-f", "mp4", str(partial)],
            duration=None,
            progress=None,
            timeout=settings.INGEST_PROCESS_TIME_LIMIT,
        )  # fmt: skip
        return None


def _scaled(progress: Progress | None, start: float, share: float) -> Progress | None:
    if progress is None:
        return None
    return lambda fraction: progress(start + share * min(max(fraction, 0.0), 1.0))


def ffmpeg_command_for(source: Path, plan: Plan, output: Path) -> list[str]:
    """The whole ffmpeg command line for `plan` with ffmpeg's own faststart, as one would run
    it by hand (bench/ times the pipeline against it)."""
    return [ffmpeg_binary(), "-hide_banner", "-nostdin", "-y", "-loglevel", "error",
            *ffmpeg_args_for(source, plan, output)]  # fmt: skip


def ffmpeg_args_for(source: Path, plan: Plan, output: Path, faststart: bool = True) -> list[str]:
    """ffmpeg's arguments (after the global options) to write `plan`'s MP4 to `output`;
    without `faststart`, moov comes last (for moov_first to move)."""
    if plan.action is Action.KEEP:
        raise ValueError("a file the plan keeps needs no ffmpeg run")
    # An explicit stream: "0:v:0" could be an MP4's cover art, listed before the film.
    video = f"0:{plan.video_index}" if plan.video_index is not None else "0:V:0"
    args = ["-i", str(source), "-map", video]
    for track in plan.audio_tracks:
        args += ["-map", f"0:{track.index}"]
    args += ["-map_metadata", "0", "-sn", "-dn"]
    if plan.video is VideoStep.COPY:
        args += ["-c:v", "copy"]
    else:
        args += [
            *("-c:v", "libx264", "-preset", settings.INGEST_TRANSCODE_PRESET),
            *("-crf", str(settings.INGEST_TRANSCODE_CRF), "-profile:v", "high"),
            # Never scaled down; yuv420p with odd sides cannot be encoded, so trim one pixel.
            *("-vf", "scale=trunc(iw/2)*2:trunc(ih/2)*2,format=yuv420p"),
        ]
    # MP4 names H.264 "avc1" (parameter sets in the header), the tag every browser knows.
    args += ["-tag:v", "avc1"]
    for number, track in enumerate(plan.audio_tracks):
        if track.step is AudioStep.COPY:
            args += [f"-c:a:{number}", "copy"]
        else:
            args += [f"-c:a:{number}", "aac", f"-b:a:{number}", AUDIO_BITRATE]
            if track.downmix:
                args += [f"-ac:a:{number}", "2"]
    args += [
        # Sparse or late streams otherwise stop a remux: "Too many packets buffered".
        *("-max_muxing_queue_size", "4096"),
        *(("-movflags", "+faststart") if faststart else ()),
        *("-f", "mp4", str(output)),
    ]
    return args
