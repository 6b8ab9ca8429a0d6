"""Progress of a running import job: what every vault's reporter writes (bytes, speed, ETA,
the cancel request: `ingest_core.job_progress`), and the pages read, their rate and the ETA
while the archive layer reads them (`readvault.archives.page_progress`).
"""

from __future__ import annotations

from collections.abc import Callable

from ingest_core import job_progress
from readvault.models import ImportJob

Listener = Callable[[ImportJob], None]


class Reporter(job_progress.Reporter[ImportJob]):
    def __init__(
        self, job: ImportJob, interval: float = 1.0, listener: Listener | None = None
    ) -> None:
        super().__init__(job, interval, listener)
        self._pages_rate = job_progress.Rate()

    def enter(self, state: str) -> None:
        self._pages_rate = job_progress.Rate()
        super().enter(state)

    def pages(self, done: int, total: int) -> None:
        """`done` pages of `total` (0: not known yet) read so far: the archive layer's
        `progress`, called a page at a time; the row is written at the reporter's rate."""
        self.check_cancelled()
        job = self.job
        if done < job.pages_done or (total and not job.pages_total):
            self._pages_rate = job_progress.Rate()  # a new pass over the pages
        job.pages_done, job.pages_total = done, total or None
        rate = self._pages_rate.update(done)
        job.pages_per_second = rate
        job.eta_seconds = job_progress.eta(done, total or None, rate)
        self._write()

    def pages_read(self, count: int, seconds: float) -> None:
        """All `count` pages were read in `seconds`: the whole step's rate."""
        self.check_cancelled()
        job = self.job
        job.pages_done = job.pages_total = count
        job.pages_per_second = count / seconds if seconds > 0 else None
        job.eta_seconds = 0
        self._write(force=True)
