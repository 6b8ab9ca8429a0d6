"""Make the browser-playable MP4 a Plan asks for: `workdir/playable.mp4`, moov first.

ffmpeg writes under a temporary name in the same folder, renamed when it has finished, so a
crash, a timeout or a cancel never leaves a half-written file under the final name.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
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
SEGMENT_PLAYLIST = "index.m3u8"
SEGMENT_INIT = "init.mp4"
SEGMENT_NAMES = "seg-%05d.m4s"


@dataclass(frozen=True)
class SegmentOutput:
    """CMAF segments the final encode writes beside its MP4 (its video and first audio
    track, a keyframe every `seconds`): a progressive rendition at full quality for no
    second encode (streaming/progressive/final_run.py)."""

    folder: Path
    seconds: float


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
    segments: SegmentOutput | None = None,
) -> Path:
    """Carry out `plan` on `source`; the source itself when the plan keeps it. `progress`
    hears the fraction done, `stats` the time done and ffmpeg's speed; `niceness` lowers
    ffmpeg's CPU priority (beside a progressive rendition, whose viewers come first);
    `segments` has the same encode write CMAF segments too."""
    if plan.action is Action.KEEP:
        return source
    output = workdir / PLAYABLE_NAME
    partial = workdir / f".{PLAYABLE_NAME}.{secrets.token_hex(4)}.partial"
    if timeout is None:
        timeout = settings.INGEST_PROCESS_TIME_LIMIT
    try:
        run_ffmpeg(
            ffmpeg_args_for(source, plan, partial, segments),
            duration=probe.duration,
            progress=progress,
            timeout=timeout,
            stats=stats,
            niceness=niceness,
            cwd=segments.folder if segments else None,
        )
        os.replace(partial, output)
    finally:
        partial.unlink(missing_ok=True)
    return output


def ffmpeg_command_for(source: Path, plan: Plan, output: Path) -> list[str]:
    """The whole ffmpeg command line for `plan`, to run by hand or time alone (bench/)."""
    return [ffmpeg_binary(), "-hide_banner", "-nostdin", "-y", "-loglevel", "error",
            *ffmpeg_args_for(source, plan, output)]  # fmt: skip


def ffmpeg_args_for(
    source: Path, plan: Plan, output: Path, segments: SegmentOutput | None = None
) -> list[str]:
    """ffmpeg's arguments (after the global options) to write `plan`'s MP4 to `output`,
    and with `segments` CMAF segments too (run in `segments.folder`)."""
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
        if segments is not None:
            # Segment n starts on a keyframe at n * seconds, as the progressive encoders'
            # do; x264's own scene-cut keyframes stay (the segmenter cuts only at the times).
            args += ["-force_key_frames", f"expr:gte(t,n_forced*{segments.seconds:g})"]
    # MP4 names H.264 "avc1" (parameter sets in the header), the tag every browser knows.
    args += ["-tag:v", "avc1"]
    for number, track in enumerate(plan.audio_tracks):
        if track.step is AudioStep.COPY:
            args += [f"-c:a:{number}", "copy"]
        else:
            args += [f"-c:a:{number}", "aac", f"-b:a:{number}", AUDIO_BITRATE]
            if track.downmix:
                args += [f"-ac:a:{number}", "2"]
    # Sparse or late streams otherwise stop a remux: "Too many packets buffered".
    args += ["-max_muxing_queue_size", "4096"]
    if segments is None:
        return [*args, "-movflags", "+faststart", "-f", "mp4", str(output)]
    return [*args, "-f", "tee", _tee_outputs(output, segments, audio=bool(plan.audio_tracks))]


def _tee_outputs(output: Path, segments: SegmentOutput, audio: bool) -> str:
    """One encode, two muxers: the MP4 (every track) and HLS fMP4 segments (the video and
    the first audio track: a browser's SourceBuffer plays one). The segments' names are
    relative to ffmpeg's working folder, so no path needs the tee's option escaping."""
    picked = "v:0,a:0" if audio else "v:0"
    hls = ":".join(
        [
            # B-frames start the video's decode times below zero; shifted up, as by
            # default, segment n would be shown from n * seconds + two frames.
            "f=hls", "avoid_negative_ts=disabled",
            f"hls_time={segments.seconds:g}", "hls_segment_type=fmp4",
            "hls_playlist_type=event", "hls_flags=independent_segments+temp_file",
            f"hls_fmp4_init_filename={SEGMENT_INIT}", f"hls_segment_filename={SEGMENT_NAMES}",
            f"select=\\'{picked}\\'",
        ]
    )  # fmt: skip
    return f"[f=mp4:movflags=+faststart]{_tee_escape(str(output))}|[{hls}]{SEGMENT_PLAYLIST}"


def _tee_escape(name: str) -> str:
    """A file name as one entry of the tee muxer's list (ffmpeg's av_get_token rules)."""
    for special in ("\\", "'", "|", "["):
        name = name.replace(special, "\\" + special)
    return name
