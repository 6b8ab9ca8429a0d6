"""Make the browser-playable MP4 a Plan asks for: `workdir/playable.mp4`, moov first.

ffmpeg writes under a temporary name in the same folder, renamed when it has finished, so a
crash, a timeout or a cancel never leaves a half-written file under the final name.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from django.conf import settings

from streaming.ingest.ffmpeg_run import (
    Progress,
    StatsCallback,
    ffmpeg_binary,
    guarded_input,
    run_ffmpeg,
)
from streaming.ingest.media_plan import Action, AudioStep, Plan, VideoStep
from streaming.ingest.probe import Probe

PLAYABLE_NAME = "playable.mp4"
AUDIO_BITRATE = "160k"


def make_playable(
    source: Path,
    probe: Probe,
    plan: Plan,
    workdir: Path,
    progress: Progress | None = None,
    *,
    timeout: float | None = None,
    stats: StatsCallback | None = None,
    niceness: int = 0,
) -> Path:
    """Carry out `plan` on `source`; the source itself when the plan keeps it. `progress`
    hears the fraction done, `stats` the time done and ffmpeg's speed; `niceness` lowers
    ffmpeg's CPU priority (beside a progressive rendition, whose viewers come first)."""
    if plan.action is Action.KEEP:
        return source
    output = workdir / PLAYABLE_NAME
    partial = workdir / f".{PLAYABLE_NAME}.{secrets.token_hex(4)}.partial"
    if timeout is None:
        timeout = settings.INGEST_PROCESS_TIME_LIMIT
    try:
        run_ffmpeg(
            ffmpeg_args_for(source, plan, partial),
            duration=probe.duration,
            progress=progress,
            timeout=timeout,
            stats=stats,
            niceness=niceness,
        )
        os.replace(partial, output)
    finally:
        partial.unlink(missing_ok=True)
    return output


def ffmpeg_command_for(source: Path, plan: Plan, output: Path) -> list[str]:
    """The whole ffmpeg command line for `plan`, to run by hand or time alone (bench/)."""
    return [ffmpeg_binary(), "-hide_banner", "-nostdin", "-y", "-loglevel", "error",
            *ffmpeg_args_for(source, plan, output)]  # fmt: skip


def ffmpeg_args_for(source: Path, plan: Plan, output: Path) -> list[str]:
    """ffmpeg's arguments (after the global options) to write `plan`'s MP4 to `output`."""
    if plan.action is Action.KEEP:
        raise ValueError("a file the plan keeps needs no ffmpeg run")
    # An explicit stream: "0:v:0" could be an MP4's cover art, listed before the film.
    video = f"0:{plan.video_index}" if plan.video_index is not None else "0:V:0"
    args = [*guarded_input(source), "-map", video]
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
        *("-movflags", "+faststart", "-f", "mp4", str(output)),
    ]
    return args
