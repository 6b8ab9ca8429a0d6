"""Progress of a running job: bytes, speed, ETA and fractions, written to its row at a
bounded rate, with the operator's cancel request turned into `IngestCancelled`.

Steps call `reporter.bytes(done, total)` (downloads, uploads) or `reporter.fraction(f)`
(ffmpeg) as often as they like; at most one row update per `interval` reaches the database.
A heartbeat thread keeps the job's lease fresh and polls the cancel flag, so a step that
reports nothing for a while (a slow ffprobe) is neither taken over nor uncancellable.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from django.db import close_old_connections, connection
from django.utils import timezone

from ingest_core import lifecycle
from ingest_core.errors import IngestCancelled
from streaming.ingest.ffmpeg_run import Stats
from streaming.models import IngestJob

Listener = Callable[[IngestJob], None]


class Reporter:
    def __init__(
        self, job: IngestJob, interval: float = 1.0, listener: Listener | None = None
    ) -> None:
        self.job = job
        self.interval = interval
        self.listener = listener
        self.cancelled = threading.Event()
        self._last_write = 0.0
        self._speed = _Speed()

    def enter(self, state: str) -> None:
        """Start a new state: progress, speed and ETA start again from nothing."""
        lifecycle.start(self.job, state)
        self._speed = _Speed()
        self._last_write = time.monotonic()
        if self.listener:
            self.listener(self.job)

    def bytes(self, done: int, total: int | None) -> None:
        self.check_cancelled()
        job = self.job
        job.bytes_done, job.bytes_total = max(0, done), total
        job.speed_bps = self._speed.update(done)
        job.eta_seconds = _eta(done, total, job.speed_bps)
        self._write(force=total is not None and done >= total)

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

    def check_cancelled(self) -> None:
        if self.cancelled.is_set():
            raise IngestCancelled("cancelled by the operator")

    def _write(self, force: bool = False) -> None:
        now = time.monotonic()
        if not force and now - self._last_write < self.interval:
            return
        self._last_write = now
        self.job.heartbeat_at = timezone.now()
        self.job.save(update_fields=_PROGRESS_FIELDS)
        if self.listener:
            self.listener(self.job)


# Never "state": only ingest_core.lifecycle moves a job.
_PROGRESS_FIELDS = [
    "step_progress",
    "bytes_done",
    "bytes_total",
    "speed_bps",
    "eta_seconds",
    "media_seconds_done",
    "media_seconds_total",
    "speed_ratio",
    "heartbeat_at",
    "updated_at",
]


class _Speed:
    """Bytes per second over the last few seconds (a moving window, so a stall shows)."""

    def __init__(self, window: float = 5.0) -> None:
        self.window = window
        self.samples: list[tuple[float, int]] = []

    def update(self, done: int) -> int | None:
        now = time.monotonic()
        self.samples.append((now, done))
        while len(self.samples) > 2 and now - self.samples[0][0] > self.window:
            self.samples.pop(0)
        start_time, start_done = self.samples[0]
        if now - start_time < 0.2:
            return None
        return max(0, int((done - start_done) / (now - start_time)))


def _eta(done: int, total: int | None, speed: int | None) -> int | None:
    if not total or not speed:
        return None
    return max(0, int((total - done) / speed))


class Heartbeat:
    """While a step runs: refresh the lease and watch for a cancel request, every few seconds,
    on a thread of its own (with its own database connection)."""

    def __init__(self, reporter: Reporter, every: float) -> None:
        self.reporter = reporter
        self.every = every
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="ingest-heartbeat", daemon=True)

    def __enter__(self) -> Heartbeat:
        self._thread.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self._stop.set()
        self._thread.join(timeout=10)

    def _run(self) -> None:
        job = self.reporter.job
        try:
            while not self._stop.wait(self.every):
                rows = IngestJob.objects.filter(pk=job.pk, worker=job.worker)
                rows.update(heartbeat_at=timezone.now())
                if IngestJob.objects.filter(pk=job.pk, cancel_requested=True).exists():
                    self.reporter.cancelled.set()
        finally:
            close_old_connections()
            connection.close()
