"""The sizes and presets a progressive encoder may use, and stepping down when one is slow.

A rung is picked before any figure exists (the tallest at or below the source's height and
PROGRESSIVE_MAX_HEIGHT), then measured: new runs go one rung down when an encoder alone on the
CPU is slower than TARGET_SPEED after its first seconds (the supervisor decides, see
Supervisor._adapt). x264's ultrafast costs a fraction of the final encode's veryfast, and
most of a small rung's time is decoding the source, which no rung avoids.
"""

from __future__ import annotations

from dataclasses import dataclass

# The floor. It was 1.5 "for a second viewer's encoder": a 4K HEVC run measured
# 1.36x, stepped down, and each step restarted its viewer's run (bench: 4 stalls, 14.9 s).
# Two encoders sharing two cores are not helped by a smaller picture when decoding is the
# cost, so a shared run is not judged at all.
TARGET_SPEED = 1.3
# A run this much faster than real time keeps ahead of its viewer: a step down leaves it
# running (a restart decodes from the keyframe before it, seconds of 4K HEVC).
KEEPS_PACE = 1.0
# A step down that gained less than this (decoding, not encoding, is the cost) is the last.
STEP_MUST_GAIN = 1.15


@dataclass(frozen=True)
class Rung:
    height: int
    preset: str
    crf: int

    @property
    def label(self) -> str:
        return f"{self.height}p {self.preset}"


LADDER = (
    Rung(1080, "ultrafast", 23),
    Rung(720, "ultrafast", 23),
    Rung(540, "ultrafast", 24),
    Rung(360, "ultrafast", 25),
    Rung(240, "ultrafast", 26),
)


def first_rung(source_height: int | None, max_height: int) -> Rung:
    """The tallest rung no taller than the source (nothing is scaled up) nor `max_height`."""
    limit = min(source_height or max_height, max_height)
    for rung in LADDER:
        if rung.height <= limit:
            return rung
    return LADDER[-1]


def lower(rung: Rung) -> Rung | None:
    """The next rung down, or None at the bottom."""
    index = LADDER.index(rung) if rung in LADDER else len(LADDER) - 1
    return LADDER[index + 1] if index + 1 < len(LADDER) else None


def too_slow(speed: float | None) -> bool:
    return speed is not None and speed < TARGET_SPEED


def output_size(width: int | None, height: int | None, rung: Rung) -> tuple[int, int]:
    """The (width, height) a rung gives a `width`x`height` source: the rung's height (never
    more than the source's), the source's shape, both even (yuv420p needs even sides)."""
    if not width or not height:
        return 0, rung.height
    out_height = min(height, rung.height) // 2 * 2
    out_width = max(2, round(width * out_height / height / 2) * 2)
    return out_width, out_height
