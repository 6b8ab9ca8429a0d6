"""The first step of a job: get the source onto this machine, into the job's folder.

A URL is downloaded by the native downloader (aria2c for big files when installed); a URL
that answers with a web page or an HLS playlist goes to yt-dlp, through the SSRF-guarding
proxy so that every request yt-dlp makes is checked too (`download_page_guarded`). Files
on this machine and uploads need no download: they are read where they are.
"""

from __future__ import annotations

from pathlib import Path

from ingest_core import native_download
from ingest_core.errors import IngestError, PageNotMedia
from streaming.ingest import ytdlp_download
from streaming.ingest.progress import Reporter
from streaming.models import IngestJob

SOURCE_FOLDER = "source"


def source_folder(job: IngestJob) -> Path:
    return job.work_dir / SOURCE_FOLDER


def fetch(job: IngestJob, reporter: Reporter) -> None:
    """Download a URL job's source into its folder and name the job after what came back."""
    reporter.enter(IngestJob.State.DOWNLOADING)
    folder = source_folder(job)
    folder.mkdir(parents=True, exist_ok=True)
    try:
        result = native_download.download(job.source, folder, reporter.bytes)
        name, how, size = result.filename, result.method, result.size
    except PageNotMedia as page:
        job.add_log(f"{page}: looking for a video on the page with yt-dlp")
        found = ytdlp_download.download_page_guarded(job.source, folder, reporter.bytes)
        name, how = found.title or found.path.name, f"yt-dlp ({found.extractor})"
        size = found.size
    job.add_log(f"downloaded {size:,} bytes with {how}")
    if not job.source_name:
        job.source_name = name[:300]
        job.save(update_fields=["source_name", "updated_at"])


def source_file(job: IngestJob) -> Path:
    """The file the processing step reads: the download, the upload, or the local file."""
    if job.source_kind == IngestJob.SourceKind.FILE:
        path = Path(job.source)
        if not path.is_file():
            raise IngestError(f"the file {job.source} no longer exists")
        return path
    return native_download.downloaded_file(source_folder(job))
