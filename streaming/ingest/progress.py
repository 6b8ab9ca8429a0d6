"""Progress of a running ingest job: what every vault's reporter writes (bytes, speed, ETA,
the cancel request: `ingest_core.job_progress`), and ffmpeg's fractions, time and speed.

`reporter.fraction(f)` may be called as often as ffmpeg reports; at most one row update per
`interval` reaches the database.
"""

from __future__ import annotations

from collections.abc import Callable

from ingest_core import job_progress
from streaming.ingest.ffmpeg_run import Stats
from streaming.models import IngestJob

Listener = Callable[[IngestJob], None]


class Reporter(job_progress.Reporter[IngestJob]):
    def ffmpeg_stats(self, stats: Stats) -> None:
        """ffmpeg's time done, speed and the ETA they give; written with the next fraction."""
        job = self.job
        job.media_seconds_done = stats.done_seconds
        job.media_seconds_total = stats.duration
        job.speed_ratio = stats.speed
        job.eta_seconds = stats.eta_seconds

    def fraction(self, value: float) -> None:
        self.check_cancelled()
        job = self.job
        job.step_progress = max(0.0, min(1.0, value))
        if value >= 1.0 and job.media_seconds_total:
            job.media_seconds_done, job.eta_seconds = job.media_seconds_total, 0
        self._write(force=value >= 1.0)
