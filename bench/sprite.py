"""Benchmark of the seek-preview sprite against the remux of the same file, in one run.

    .venv/bin/python bench/sprite.py [--seconds 120] [--size 1280x720] [--gops 2,10,0]
                                     [--rounds 3] [--tiles 400] [--media FILE ...]

For each test file (H.264/AAC MKV made with ffmpeg from testsrc2, one per keyframe spacing
in --gops, in seconds; 0 = a single keyframe; or the --media files as they are):
(a) the remux to a faststart MP4, by the ffmpeg command the pipeline builds (the reference);
(b) the sprite step (`artifacts.thumbnail_sprite`): the copy of the packets its tiles need,
    then their decode at tile size, one frame per tile interval.
--tiles lowers the sprite's 400-tile cap, so that a short test file has the tile spacing of
a long film (a two-hour film has a tile every 18 s: `--seconds 120 --tiles 7`).
Rounds alternate (a), (b), (a), (b) ...; the source stays in the page cache. It prints each
file's median times and the median of the per-round ratios (b)/(a), and exits 0 (a report,
not a test). The temp folder is removed at the end, also on Ctrl-C or failure.
"""

from __future__ import annotations

import argparse
import os
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
WORK = Path(tempfile.mkdtemp(prefix="shadowvault-bench-sprite-"))
os.environ.update(
    DJANGO_SETTINGS_MODULE="shadowvault.settings",
    DATA_DIR=str(WORK / "data"),
    SECRET_KEY=secrets.token_urlsafe(48),
    LINK_SECRET=secrets.token_urlsafe(48),
)


def log(text: str) -> None:
    print(text, flush=True)


def make_film(path: Path, seconds: int, size: str, gop_seconds: int) -> Path:
    """testsrc2 (every frame differs) in H.264 (veryfast, crf 23) with AAC, 25 fps."""
    keyint = str(gop_seconds * 25) if gop_seconds else "100000"
    subprocess.run(
        ["ffmpeg", "-v", "error", "-y",
         "-f", "lavfi", "-i", f"testsrc2=size={size}:rate=25:duration={seconds}",
         "-f", "lavfi", "-i", f"sine=frequency=440:duration={seconds}",
         "-c:v", "libx264", "-preset", "veryfast", "-crf", "23", "-pix_fmt", "yuv420p",
         "-g", keyint, "-keyint_min", keyint, "-sc_threshold", "0",
         "-c:a", "aac", "-b:a", "128k", str(path)],
        check=True,
    )  # fmt: skip
    return path


def timed(action) -> float:
    os.sync()  # no writeback of the round before lands on this one
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def rounds(source: Path, count: int) -> dict[str, list[float]]:
    from streaming.ingest.artifacts import thumbnail_sprite
    from streaming.ingest.faststart import is_faststart
    from streaming.ingest.media_plan import Action, plan_for
    from streaming.ingest.playable import ffmpeg_command_for
    from streaming.ingest.probe import probe

    facts = probe(source)
    plan = plan_for(facts, is_faststart(source))
    if plan.action is not Action.REMUX:
        raise SystemExit(f"{source.name}: the plan is {plan.action}, not a remux")
    output = WORK / "remuxed.mp4"
    sprite_dir = WORK / "sprite"
    command = ffmpeg_command_for(source, plan, output)
    times: dict[str, list[float]] = {"remux": [], "sprite": []}
    source.read_bytes()  # into the page cache, for both sides alike
    for number in range(count + 1):  # the first round warms up and is not counted
        remux = timed(lambda: subprocess.run(command, check=True))
        shutil.rmtree(sprite_dir, ignore_errors=True)
        sprite_dir.mkdir()
        sprite = timed(lambda: thumbnail_sprite(source, facts.duration, sprite_dir))
        output.unlink(missing_ok=True)
        if number:
            times["remux"].append(remux)
            times["sprite"].append(sprite)
            log(f"  round {number}: remux {remux:.2f} s, sprite {sprite:.2f} s")
    return times


def report(results: list[tuple[str, dict[str, list[float]]]]) -> None:
    log("\nsprite step against the remux of the same file (lower is better)")
    log(f"  {'file':<34} {'remux s':>8} {'sprite s':>9} {'sprite/remux':>13}")
    for name, times in results:
        ratios = [s / r for s, r in zip(times["sprite"], times["remux"], strict=True)]
        log(
            f"  {name:<34} {statistics.median(times['remux']):8.2f} "
            f"{statistics.median(times['sprite']):9.2f} {statistics.median(ratios):12.2f}x"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=int, default=120, help="length of each test film")
    parser.add_argument("--size", default="1280x720", help="picture size of the test films")
    parser.add_argument(
        "--gops", default="2,10,0", help="keyframe spacings in seconds (0 = one keyframe)"
    )
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--tiles", type=int, help="at most this many tiles (default 400)")
    parser.add_argument("--media", type=Path, nargs="*", help="use these files instead")
    args = parser.parse_args()
    import django

    django.setup()
    if args.tiles:
        from streaming.ingest import artifacts

        artifacts.SPRITE_MAX_TILES = args.tiles
    try:
        (WORK / "data").mkdir()
        films = list(args.media or [])
        if not films:
            for gop in (int(value) for value in args.gops.split(",")):
                label = f"gop-{gop}s" if gop else "one-keyframe"
                log(f"making a {args.seconds} s {args.size} MKV, {label} ...")
                films.append(make_film(WORK / f"{label}.mkv", args.seconds, args.size, gop))
        results = []
        for film in films:
            log(f"{film.name}:")
            results.append((film.name, rounds(film, args.rounds)))
        report(results)
    except KeyboardInterrupt:
        return 130
    finally:
        shutil.rmtree(WORK, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
