"""Progress of a running job, of any vault: bytes, their speed and the ETA, written to its
row at a bounded rate, with the operator's cancel request turned into `IngestCancelled`.

Steps call `reporter.bytes(done, total)` (downloads, uploads) as often as they like; at most
one row update per `interval` reaches the database. A vault's reporter adds what its own
steps report (ffmpeg's time and speed, pages read) and writes the fields its job's class
names as progress (`JobBase.PROGRESS_RESET`), with this module's `Rate` and `eta` for what it
counts. A heartbeat thread keeps the job's lease fresh and polls the cancel flag, so a step
that reports nothing for a while (a slow ffprobe) is neither taken over nor uncancellable.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from types import TracebackType
from typing import Any, Generic

from django.db import DatabaseError, close_old_connections, connection
from django.utils import timezone

from ingest_core import lifecycle
from ingest_core.errors import IngestCancelled
from ingest_core.job_model import Job


class Reporter(Generic[Job]):
    def __init__(
        self, job: Job, interval: float = 1.0, listener: Callable[[Job], None] | None = None
    ) -> None:
        self.job = job
        self.interval = interval
        self.listener = listener
        self.cancelled = threading.Event()
        self._last_write = 0.0
        self._speed = Rate()

    def enter(self, state: str) -> None:
        """Start a new state: progress, speed and ETA start again from nothing."""
        lifecycle.start(self.job, state)
        self._speed = Rate()
        self._last_write = time.monotonic()
        if self.listener:
            self.listener(self.job)

    def bytes(self, done: int, total: int | None) -> None:
        self.check_cancelled()
        job = self.job
        job.bytes_done, job.bytes_total = max(0, done), total
        speed = self._speed.update(done)
        job.speed_bps = int(speed) if speed is not None else None
        job.eta_seconds = eta(done, total, speed)
        self._write(force=total is not None and done >= total)

    def check_cancelled(self) -> None:
        if self.cancelled.is_set():
            raise IngestCancelled("cancelled by the operator")

    def _write(self, force: bool = False) -> None:
        now = time.monotonic()
        if not force and now - self._last_write < self.interval:
            return
        self._last_write = now
        self.job.heartbeat_at = timezone.now()
        # Never "state": only the life cycle moves a job.
        fields = [*type(self.job).PROGRESS_RESET, "heartbeat_at", "updated_at"]
        self.job.save(update_fields=fields)
        if self.listener:
            self.listener(self.job)


class Rate:
    """Units (bytes, pages) per second over the last few seconds: a moving window, so a stall
    shows."""

    def __init__(self, window: float = 5.0) -> None:
        self.window = window
        self.samples: list[tuple[float, int]] = []

    def update(self, done: int) -> float | None:
        now = time.monotonic()
        self.samples.append((now, done))
        while len(self.samples) > 2 and now - self.samples[0][0] > self.window:
            self.samples.pop(0)
        start_time, start_done = self.samples[0]
        if now - start_time < 0.2:
            return None
        return max(0.0, (done - start_done) / (now - start_time))


def eta(done: int, total: int | None, speed: float | None) -> int | None:
    """Seconds left at `speed` units a second; None while the total or the speed is unknown."""
    if not total or not speed:
        return None
    return max(0, int((total - done) / speed))


class Heartbeat:
    """While a step runs: refresh the lease and watch for a cancel request, every few seconds,
    on a thread of its own (with its own database connection)."""

    def __init__(self, reporter: Reporter[Any], every: float) -> None:
        self.reporter = reporter
        self.every = every
        self._stop = threading.Event()
        name = f"{reporter.job._meta.model_name}-heartbeat"  # "importjob-heartbeat"
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)

    def __enter__(self) -> Heartbeat:
        self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._stop.set()
        self._thread.join(timeout=10)

    def _run(self) -> None:
        job = self.reporter.job
        rows = type(job)._default_manager.filter(pk=job.pk)
        try:
            while not self._stop.wait(self.every):
                try:
                    rows.filter(worker=job.worker).update(heartbeat_at=timezone.now())
                    if rows.filter(cancel_requested=True).exists():
                        self.reporter.cancelled.set()
                except DatabaseError:
                    # The database restarting: the next beat reconnects. A heartbeat thread
                    # that died here would let the sweep hand a running job to a second
                    # worker once the lease aged.
                    connection.close()
        finally:
            close_old_connections()
            connection.close()
