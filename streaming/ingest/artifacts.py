"""The files that go with a video: WebVTT subtitles, a poster, a seek-preview sprite, a hash.

Each function writes into the job's work folder under names of its own (temporary ones
renamed when complete), so the job runner may run them at the same time as the remux.
"""

from __future__ import annotations

import json
import logging
import math
import os
import re
import secrets
import subprocess
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from streaming.ingest import sprite_frames
from streaming.ingest.errors import ProcessingFailed
from streaming.ingest.ffmpeg_run import ffprobe_binary, guarded_input, run_ffmpeg
from streaming.ingest.media_plan import codec_label
from streaming.ingest.probe import LANGUAGE_NAMES, Probe

POSTER_NAME = "poster.jpg"
POSTER_MAX_WIDTH = 1280
POSTER_TIMEOUT = 300
SPRITE_NAME = "sprite.jpg"
SPRITE_VTT_NAME = "sprite.vtt"
TILE_WIDTH = 160
SPRITE_COLUMNS = 20
SPRITE_MAX_TILES = 400
# How the sprite's frames are decoded: frames no other frame refers to are not decoded (B
# frames, about half of the work; a tile then shows a frame or two later) and neither is
# the deblocking (invisible at 160 px). Should a stream mark every frame unreferenced, so
# that nothing comes out, the frames are decoded the ordinary way.
FAST_DECODING: tuple[list[str], ...] = (["-skip_frame", "noref", "-skip_loop_filter", "all"], [])

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class SubtitleFile:
    path: Path
    language: str
    label: str
    is_default: bool
    is_forced: bool


@dataclass(frozen=True)
class Sprite:
    image: Path
    vtt: Path
    tile_width: int
    tile_height: int
    columns: int
    rows: int
    interval: float


def extract_subtitles(source: Path, probe: Probe, workdir: Path) -> list[SubtitleFile]:
    """Every text subtitle track to a WebVTT file `sub-<stream>-<lang>.vtt`, in one ffmpeg run.

    Picture subtitles (PGS, VobSub, DVB) would need OCR: they are logged and left out, as
    the plan's reasons already say for the job log.
    """
    for stream in probe.subtitles:
        if not stream.is_text:
            logger.info(
                "%s: subtitle stream %s (%s, %r) is not text, left out",
                source.name, stream.index, codec_label(stream.codec), stream.language,
            )  # fmt: skip
    tracks = [stream for stream in probe.subtitles if stream.is_text]
    if not tracks:
        return []
    token = secrets.token_hex(4)
    args = guarded_input(source)
    files: list[SubtitleFile] = []
    partials: list[Path] = []
    for stream in tracks:
        language = re.sub(r"[^a-z0-9-]", "", stream.language.lower()) or "und"
        path = workdir / f"sub-{stream.index}-{language}.vtt"
        partial = workdir / f".{path.name}.{token}.partial"
        args += ["-map", f"0:{stream.index}", "-c:s", "webvtt", "-f", "webvtt", str(partial)]
        partials.append(partial)
        files.append(
            SubtitleFile(
                path,
                stream.language,
                _label(stream, len(files) + 1),
                stream.is_default,
                stream.is_forced,
            )
        )
    try:
        run_ffmpeg(args, duration=None, progress=None, timeout=settings.INGEST_PROCESS_TIME_LIMIT)
        for partial, subtitle in zip(partials, files, strict=True):
            if not partial.read_bytes().startswith(b"WEBVTT"):
                raise ProcessingFailed(f"ffmpeg did not write WebVTT for {subtitle.path.name}")
        for partial, subtitle in zip(partials, files, strict=True):
            os.replace(partial, subtitle.path)
    finally:
        for partial in partials:
            partial.unlink(missing_ok=True)
    return files


def poster_frame(source: Path, duration: float | None, workdir: Path) -> Path:
    """A JPEG at about a tenth of the way in, at most 1280 px wide: `workdir/poster.jpg`."""
    output = workdir / POSTER_NAME
    partial = workdir / f".{POSTER_NAME}.{secrets.token_hex(4)}.partial"
    at = duration * 0.1 if duration else 0
    scale = f"scale='min({POSTER_MAX_WIDTH},iw)':-2"
    keyframes = [
        # Keyframes only, from the one before `at` (-ss before -i seeks in the file): a few
        # pictures decoded instead of seconds of video. `thumbnail` keeps the most typical of
        # the next 3 keyframes: rarely a fade to black.
        *("-skip_frame", "nokey", "-noaccurate_seek", "-ss", f"{at:.3f}"),
        *guarded_input(source),
        *("-map", "0:V:0", "-vf", f"thumbnail=3,{scale}"),
    ]
    # A short clip may have a single keyframe, and `thumbnail` then has nothing to choose
    # from: the frame at `at` itself, decoded the ordinary way, is the fallback.
    any_frame = ["-ss", f"{at:.3f}", *guarded_input(source), *("-map", "0:V:0", "-vf", scale)]
    one_jpeg = ["-frames:v", "1", "-q:v", "3", "-f", "image2", "-update", "1", str(partial)]
    try:
        for args in (keyframes, any_frame):
            run_ffmpeg(
                [*args, *one_jpeg],
                duration=None,
                progress=None,
                timeout=POSTER_TIMEOUT,
            )
            if partial.exists() and partial.stat().st_size > 0:
                os.replace(partial, output)
                return output
        raise ProcessingFailed(f"ffmpeg found no frame to make a poster at {at:.1f} s")
    finally:
        partial.unlink(missing_ok=True)


def thumbnail_sprite(source: Path, duration: float | None, workdir: Path) -> Sprite:
    """One JPEG sheet of 160 px frames for seek previews, and its WebVTT thumbnails track.

    At most 400 tiles, one every max(1 s, duration / 400); each shows a frame of its own
    interval, however far apart the video's keyframes are:
    1. a copy (no decoding) into a small file of the packets those frames need
       (sprite_frames: the first keyframe of each interval when every interval has one,
       else runs of packets from keyframes onward);
    2. a decode of that file, the first frame of each interval picked before any scaling.
    A film with a keyframe every few seconds decodes a few hundred pictures; a file with a
    single keyframe is decoded once, from end to end (its frames need no less).
    """
    if not duration or duration <= 0:
        raise ProcessingFailed("the video's duration is unknown, so no seek thumbnails")
    interval, tiles, columns, rows = sprite_layout(duration)
    image = workdir / SPRITE_NAME
    vtt = workdir / SPRITE_VTT_NAME
    token = secrets.token_hex(4)
    selected = workdir / f".sprite-frames.{token}.partial.mkv"
    partial_image = workdir / f".{SPRITE_NAME}.{token}.partial"
    partial_vtt = workdir / f".{SPRITE_VTT_NAME}.{token}.partial"
    timeout = settings.INGEST_PROCESS_TIME_LIMIT
    draw = [
        *(*guarded_input(selected), "-map", "0:V:0"),
        *("-vf", sprite_filters(duration), "-frames:v", "1", "-q:v", "5"),
        *("-f", "image2", "-update", "1", str(partial_image)),
    ]
    try:
        sprite_frames.copy_frames(source, interval, tiles, selected, timeout)
        for decoding in FAST_DECODING:
            run_ffmpeg([*decoding, *draw], duration=None, progress=None, timeout=timeout)
            if partial_image.exists() and partial_image.stat().st_size > 0:
                break
        width, height = _picture_size(partial_image)
        if width != columns * TILE_WIDTH or height % rows:
            raise ProcessingFailed(
                f"the sprite came out {width}x{height}, not {columns} tiles by {rows}"
            )
        tile_height = height // rows
        partial_vtt.write_text(
            sprite_vtt(duration, interval, tiles, columns, TILE_WIDTH, tile_height),
            encoding="utf-8",
        )
        os.replace(partial_image, image)
        os.replace(partial_vtt, vtt)
    finally:
        for leftover in (selected, partial_image, partial_vtt):
            leftover.unlink(missing_ok=True)
    return Sprite(image, vtt, TILE_WIDTH, tile_height, columns, rows, interval)


def sprite_filters(duration: float) -> str:
    interval, _, columns, rows = sprite_layout(duration)
    millis = round(interval * 1000)
    return ",".join(
        [
            # The first frame of each slot, before any scaling: the rest are not scaled.
            f"select='isnan(prev_selected_t)+gt(floor(t*1000/{millis}),"
            f"floor(prev_selected_t*1000/{millis}))'",
            f"scale={TILE_WIDTH}:-2",
            # After the last frame, repeat it: the tiles past it would otherwise be black.
            f"tpad=stop_mode=clone:stop_duration={duration:.3f}",
            # round=down: a frame fills the tile of the interval it falls in; a slot with
            # no frame of its own repeats the one before.
            f"fps=1000/{millis}:start_time=0:round=down",
            f"tile={columns}x{rows}",
        ]
    )


def sprite_layout(duration: float) -> tuple[float, int, int, int]:
    """(interval, tiles, columns, rows) of the sprite for a video of `duration` seconds."""
    # Whole milliseconds, so ffmpeg's fps=1000/<ms> is exact and cue times add up.
    interval = round(max(1.0, duration / SPRITE_MAX_TILES), 3)
    # A tail shorter than a tenth of an interval gets no tile of its own.
    tiles = max(1, min(SPRITE_MAX_TILES, math.ceil(duration / interval - 0.1)))
    columns = min(SPRITE_COLUMNS, tiles)
    return interval, tiles, columns, math.ceil(tiles / columns)


def sprite_vtt(
    duration: float, interval: float, tiles: int, columns: int, width: int, height: int
) -> str:
    """A WebVTT thumbnails track: one cue per tile, pointing into the sheet by `#xywh=`."""
    cues = ["WEBVTT", ""]
    for number in range(tiles):
        start = number * interval
        end = duration if number == tiles - 1 else start + interval
        x, y = (number % columns) * width, (number // columns) * height
        cues += [
            f"{_timestamp(start)} --> {_timestamp(end)}",
            f"{SPRITE_NAME}#xywh={x},{y},{width},{height}",
            "",
        ]
    return "\n".join(cues)


def _label(stream, number: int) -> str:
    # "pt-BR" is labelled by its language, "Portuguese", unless the track has a title.
    named = LANGUAGE_NAMES.get(stream.language.split("-")[0])
    label = stream.title or named or stream.language
    label = label or f"Subtitles {number}"
    if stream.is_forced and "forced" not in label.lower():
        label += " (forced)"
    return label


def _timestamp(seconds: float) -> str:
    millis = round(seconds * 1000)
    hours, millis = divmod(millis, 3_600_000)
    minutes, millis = divmod(millis, 60_000)
    return f"{hours:02d}:{minutes:02d}:{millis // 1000:02d}.{millis % 1000:03d}"


def _picture_size(path: Path) -> tuple[int, int]:
    result = subprocess.run(
        # Our own ffmpeg's JPEG, read as one all the same (and from this file only).
        [ffprobe_binary(), "-v", "error", "-print_format", "json",
         "-show_entries", "stream=width,height",
         "-protocol_whitelist", "file", "-format_whitelist", "jpeg_pipe", str(path)],
        capture_output=True, text=True, timeout=30, check=False,
    )  # fmt: skip
    try:
        stream = json.loads(result.stdout)["streams"][0]
        return int(stream["width"]), int(stream["height"])
    except (ValueError, KeyError, IndexError) as error:
        raise ProcessingFailed("ffmpeg wrote no readable sprite image") from error
