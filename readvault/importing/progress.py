"""Progress of a running import job: what every vault's reporter writes (bytes, speed, ETA,
the cancel request: `ingest_core.job_progress`), and the pages read and their rate.
"""

from __future__ import annotations

from collections.abc import Callable

from ingest_core import job_progress
from readvault.models import ImportJob

Listener = Callable[[ImportJob], None]


class Reporter(job_progress.Reporter[ImportJob]):
    def pages_read(self, count: int, seconds: float) -> None:
        """All `count` pages were read in `seconds` (the archive layer reports no progress
        on the way, so the rate is the whole step's)."""
        self.check_cancelled()
        job = self.job
        job.pages_done = job.pages_total = count
        job.pages_per_second = count / seconds if seconds > 0 else None
        job.eta_seconds = 0
        self._write(force=True)
