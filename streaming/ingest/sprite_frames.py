"""The packets a seek-preview sprite decodes, copied (not decoded) out of the video.

Each tile shows a frame of its own interval ("slot"). Most videos have a keyframe every few
seconds, more often than a tile: the first keyframe of each slot is then enough, a few
hundred pictures decoded for a whole film. When some slot has no keyframe of its own (a
long-GOP encode, a file with a single keyframe), its frame has to be decoded from the
keyframe before it: the second selection keeps runs of packets from keyframes onward.

Both are `noise` bitstream filters on a stream copied into Matroska. Their `drop`
expression is evaluated per packet, in decoding order, with st()/ld() for state. Packets
reach it in the Matroska muxer's time base, milliseconds; ffmpeg 5.1's `tb` there is the
source's time base (1/12800 for an MP4), which does not match them.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from streaming.ingest.errors import ProcessingFailed
from streaming.ingest.ffmpeg_run import ffprobe_binary, guarded_input, run_ffmpeg


def _slot(interval: float) -> str:
    # The slot number, plus one so that slot 0 differs from ld(0)'s initial 0.
    return f"floor(if(eq(pts,nopts),dts,pts)/{round(interval * 1000)})+1"


def first_keyframes(interval: float) -> str:
    """Keep the first keyframe of each slot, drop every other packet."""
    slot = _slot(interval)
    return f"noise=amount=0:drop='if(key,if(eq({slot},ld(0)),1,0*st(0,{slot})),1)'"


def keyframe_runs(interval: float) -> str:
    """Keep the first keyframe of each slot and the packets after it up to the next keyframe
    (the frames of a later slot without a keyframe are decoded from them); drop the rest.
    State: 0 = the slot of the last keyframe kept, 1 = whether packets are being kept."""
    slot = _slot(interval)
    # A keyframe of a slot already begun: drop it and what follows (1). A keyframe of a new
    # slot: keep it and what follows (0). Any other packet: as the last keyframe said.
    keyframe = f"if(eq({slot},ld(0)),st(1,0)+1,0*st(1,1)+0*st(0,{slot}))"
    return f"noise=amount=0:drop='if(key,{keyframe},1-ld(1))'"


def copy_frames(
    source: Path, interval: float, tiles: int, target: Path, timeout: float | None
) -> str:
    """Copy into `target` (Matroska) what the tiles need; say which selection it took."""
    _copy(source, first_keyframes(interval), target, timeout)
    missing = set(range(tiles)) - covered_slots(target, interval)
    # A short last slot without a keyframe repeats the tile before it: not worth a decode.
    if not missing - {tiles - 1}:
        return "keyframes"
    _copy(source, keyframe_runs(interval), target, timeout)
    return "keyframe runs"


def covered_slots(path: Path, interval: float) -> set[int]:
    """The slots that have a packet in our own Matroska file of selected keyframes."""
    result = subprocess.run(
        [ffprobe_binary(), "-v", "error", "-select_streams", "v:0",
         "-show_entries", "packet=pts_time", "-of", "csv=p=0",
         "-protocol_whitelist", "file", "-format_whitelist", "matroska", str(path)],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    if result.returncode != 0:
        raise ProcessingFailed("could not read the keyframes selected for the sprite")
    slots = set()
    for line in result.stdout.split():
        try:
            slots.add(int(float(line.strip(",")) * 1000) // round(interval * 1000))
        except ValueError:
            continue  # "N/A": a packet without a time shows in no slot
    return slots


def _copy(source: Path, selector: str, target: Path, timeout: float | None) -> None:
    args = [
        *guarded_input(source),
        *("-map", "0:V:0", "-c", "copy", "-bsf:v", selector, "-f", "matroska", str(target)),
    ]
    run_ffmpeg(args, duration=None, progress=None, timeout=timeout)
