"""The first step of a URL job: download the archive into the job's folder.

Through `ingest_core.native_download`, which checks every address and redirect against the
SSRF guard, resumes after drops and stalls, and keeps to the size cap and the free-disk
floor. A comic is one file: a URL answering with a web page is refused (there is no yt-dlp
for comics), with the reason. Files on this machine and uploads start at the process step.
"""

from __future__ import annotations

from ingest_core import native_download
from ingest_core.errors import DownloadFailed, PageNotMedia
from readvault.importing.progress import Reporter
from readvault.importing.sources import source_folder
from readvault.models import ImportJob


def fetch(job: ImportJob, reporter: Reporter) -> None:
    """Download the job's URL and name the job after the file that came back."""
    reporter.enter(ImportJob.State.DOWNLOADING)
    folder = source_folder(job)
    folder.mkdir(parents=True, exist_ok=True)
    try:
        result = native_download.download(job.source, folder, reporter.bytes)
    except PageNotMedia as page:
        raise DownloadFailed(f"{page}: give the link to the archive file itself") from None
    job.add_log(f"downloaded {result.size:,} bytes ({result.method})")
    if not job.source_name:
        job.source_name = result.filename[:500]
        job.save(update_fields=["source_name", "updated_at"])
