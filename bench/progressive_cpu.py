"""What the progressive rendition costs the final encode, in CPU seconds, in one run.

    .venv/bin/python bench/progressive_cpu.py [--quick] [--only LABEL] [--head-seconds 16]

For each of bench/progressive.py's generated sources (made once and cached, see
bench/progressive_sources.py), three ffmpeg runs, one after the other, each timed in CPU
seconds (user + system of the child, from getrusage), so that other work on the machine does
not count, as it does in bench/progressive.py's wall-clock ratio:
(a) the final MP4 alone, with the command the pipeline builds without segments (the reference);
(b) the same final encode writing its CMAF segments beside it (playable.SegmentOutput, the
    tee muxer): what the pipeline runs now;
(c) the head start's encoder (the top rung, x264 ultrafast) for --head-seconds of film: what
    runs beside the final until the final encode serves the viewers.
It prints (b)/(a) and (c)/(a) per source and exits 0 (a report, not a test). The temp folder
is removed at the end, also on Ctrl-C or failure.
"""

from __future__ import annotations

import argparse
import os
import resource
import secrets
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
WORK = Path(tempfile.mkdtemp(prefix="shadowvault-bench-progressive-cpu-"))
os.environ.update(
    DJANGO_SETTINGS_MODULE="shadowvault.settings",
    DATA_DIR=str(WORK / "data"),
    SECRET_KEY=secrets.token_urlsafe(48),
    LINK_SECRET=secrets.token_urlsafe(48),
)

from bench.progressive_sources import FULL, QUICK, source_file  # noqa: E402


def log(text: str) -> None:
    print(text, flush=True)


def cpu_seconds(command: list[str], cwd: Path | None = None) -> float:
    """User + system CPU seconds of `command` (and its threads), run to its end."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(command, check=True, capture_output=True, cwd=cwd)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def measure(path: Path, head_seconds: float, folder: Path) -> tuple[float, float, float]:
    from streaming.ingest.ffmpeg_run import GLOBAL_OPTIONS, ffmpeg_binary
    from streaming.ingest.media_plan import plan_for
    from streaming.ingest.playable import SegmentOutput, ffmpeg_args_for
    from streaming.ingest.probe import probe
    from streaming.progressive import rungs
    from streaming.progressive.encoder_run import encoder_args
    from streaming.progressive.supervisor import SEGMENT_SECONDS

    facts = probe(path)
    plan = plan_for(facts, None)
    ffmpeg = [ffmpeg_binary(), *GLOBAL_OPTIONS]
    alone = cpu_seconds([*ffmpeg, *ffmpeg_args_for(path, plan, folder / "alone.mp4")])
    segments = folder / "segments"
    segments.mkdir()
    output = SegmentOutput(segments, SEGMENT_SECONDS)
    command = [*ffmpeg, *ffmpeg_args_for(path, plan, folder / "both.mp4", output)]
    both = cpu_seconds(command, cwd=segments)  # the segments' names are relative, as in ingest
    head_folder = folder / "head"
    head_folder.mkdir()
    rung = rungs.first_rung(facts.video.height if facts.video else None, 720)
    head_args = encoder_args(path, plan, rung, 0, SEGMENT_SECONDS, head_folder)
    head = cpu_seconds([*ffmpeg, "-t", f"{head_seconds:g}", *head_args])
    return alone, both, head


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="the short sources (~1 min)")
    parser.add_argument("--only", action="append", help="this source only (its label)")
    parser.add_argument(
        "--head-seconds", type=float, default=16.0, help="film the head start encodes (16)"
    )
    args = parser.parse_args(argv)
    import django

    django.setup()
    sources = QUICK if args.quick else FULL
    chosen = [s for s in sources if not args.only or s.label in args.only]
    rows = []
    try:
        for source in chosen:
            path = source_file(source, log)
            folder = WORK / source.file_name
            folder.mkdir()
            log(f"{source.label}, {source.seconds} s: three encodes")
            rows.append((source, *measure(path, args.head_seconds, folder)))
            shutil.rmtree(folder, ignore_errors=True)
    except KeyboardInterrupt:
        return 130
    finally:
        shutil.rmtree(WORK, ignore_errors=True)
    log(f"\n{'source':<26} {'alone':>8} {'+segments':>10} {'ratio':>7} {'head':>7} {'ratio':>7}")
    for source, alone, both, head in rows:
        label = f"{source.label} {source.seconds} s"
        log(
            f"{label:<26} {alone:7.1f}s {both:9.1f}s {both / alone:6.3f}x {head:6.1f}s "
            f"{head / alone:6.3f}x"
        )
    log(f"\nCPU seconds (user + system); head = {args.head_seconds:g} s of the top rung.")
    log(f"command: {' '.join([Path(sys.executable).name, *sys.argv])}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
