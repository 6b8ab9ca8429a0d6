"""The final encode's own segments: a progressive rendition at full quality for free.

When the final MP4 is encoded, the same encode can write CMAF segments beside it (ffmpeg's
tee muxer, streaming/ingest/playable.SegmentOutput): no second decode, no second encode.
While that encode runs faster than the viewers watch and far enough ahead of them, the
supervisor needs no encoder of its own for them; the final encode's speed decides that
(bench/progressive.py measured the final MP4 at 1.5-1.8x ffmpeg alone when separate
encoders made every segment beside it).

The process step starts and ends this run (it is the final encode); the supervisor only
reads its segments and its speed, and never stops it.
"""

from __future__ import annotations

import time
from pathlib import Path

from django.conf import settings

from streaming.ingest.ffmpeg_run import Stats, StatsCallback
from streaming.ingest.media_plan import AudioStep, Plan
from streaming.ingest.playable import SegmentOutput
from streaming.ingest.probe import Probe
from streaming.progressive.encoder_run import SegmentFolder
from streaming.progressive.rungs import Rung

FOLDER = "final"


def applies(plan: Plan, facts: Probe) -> bool:
    """The final encode's segments play in a browser's SourceBuffer when their audio (the
    first track) is AAC: one the plan encodes, or AAC copied. A copied MP3 is left to the
    progressive encoders, which always write AAC."""
    if not settings.PROGRESSIVE_FINAL_SEGMENTS:
        return False
    if not plan.audio_tracks:
        return True
    first = plan.audio_tracks[0]
    if first.step is AudioStep.ENCODE:
        return True
    codec = next((a.codec for a in facts.audio if a.index == first.index), "")
    return codec == "aac"


class FinalRun(SegmentFolder):
    """The final encode's segments, read as an encoder run's are."""

    def __init__(self, parent: Path, height: int, segment_seconds: float) -> None:
        folder = parent / FOLDER
        folder.mkdir(parents=True, exist_ok=True)
        rung = Rung(height, settings.INGEST_TRANSCODE_PRESET, settings.INGEST_TRANSCODE_CRF)
        super().__init__(folder, rung, 0, segment_seconds)
        self.running = False
        self.failed = False  # the process step fails the job when the final encode fails
        self.completed = False  # it wrote the whole film: its next number is the real count

    @property
    def output(self) -> SegmentOutput:
        return SegmentOutput(folder=self.folder, seconds=self.segment_seconds)

    def listening(self, stats: StatsCallback | None) -> StatsCallback:
        """A stats callback for the final encode: `stats`, and this run's position and speed."""

        def hear(figures: Stats) -> None:
            if stats is not None:
                stats(figures)
            self.done_seconds = figures.done_seconds
            self.speed = figures.speed  # from the film's start: no seek to decode first
            if self.output_from is None and figures.done_seconds > 0:
                self.output_from = (self.started, 0.0)

        return hear

    def begin(self) -> None:
        self.started = time.monotonic()
        self.running = True

    def end(self, completed: bool) -> None:
        self.completed = completed
        self.running = False
