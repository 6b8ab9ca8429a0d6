"""The native downloader: one URL to one file, resuming after drops and stalls.

Every request goes through the SSRF guard (`guarded_http.open_url`). A dropped or stalled
connection is resumed with `Range`/`If-Range` (RFC 9110 14.2, 13.1.5) from the bytes already
on disk, up to INGEST_DOWNLOAD_RETRIES times with exponential backoff; a server that answers
200 to a resume (no range support, or the file changed) starts the file again. Big files
from servers that accept ranges go to aria2c when it is installed; if it fails, the native
path does the job. A web page or an HLS playlist raises `PageNotMedia` for yt-dlp.
"""

from __future__ import annotations

import logging
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from django.conf import settings

from ingest_core import aria2_download
from ingest_core.errors import DownloadFailed, IngestError, PageNotMedia
from ingest_core.guarded_http import ConnectionLost, Opened, fetch_bytes, open_url, read_chunk
from ingest_core.http_response import (
    content_length,
    filename_for,
    format_bytes,
    if_range_validator,
    page_reason,
    parse_content_range,
    status_failure,
)

__all__ = ["DownloadResult", "download", "fetch_bytes"]

logger = logging.getLogger(__name__)

# 256 KiB: measured on loopback, 1 MiB reads and writes ran at half the speed (the buffer no
# longer fits a core's L2 cache, so each byte is copied through main memory twice).
CHUNK = 256 * 1024
ARIA2_MIN_BYTES = 32 * 1024 * 1024
# How long the one connection runs before its speed decides whether aria2c takes over.
ARIA2_SAMPLE_SECONDS = 3.0
DISK_CHECK_EVERY = 64 * 1024 * 1024
PROGRESS_INTERVAL = 0.1  # seconds: at most ~10 reports a second, plus the final one
sleep = time.sleep  # tests replace it to skip the backoff waits

Progress = Callable[[int, int | None], None]


@dataclass
class DownloadResult:
    path: Path
    size: int
    content_type: str
    filename: str
    final_url: str
    method: str  # "native" or "aria2"


def download(url: str, target_dir: Path, progress: Progress | None = None) -> DownloadResult:
    """Download url into target_dir (named after Content-Disposition or the URL).

    progress(done, total) is called at most ~10 times a second and once at the end; `done`
    can go back to 0 when the server makes the download start over, `total` is None when
    the size is unknown. Raising IngestCancelled from it stops the download. Nothing is
    left in target_dir when this raises.
    """
    job = _Download(url, Path(target_dir), _Throttled(progress))
    try:
        return job.run()
    except BaseException:
        job.discard()
        raise


def downloaded_file(folder: Path) -> Path:
    """The one whole file a download (or an upload's hand-off) left in a job's `folder`.

    A `.part` file is a download cut short, not a source."""
    files = sorted(p for p in folder.glob("*") if p.is_file() and not p.name.endswith(".part"))
    if len(files) != 1:
        # Only a crash between the download and its hand-off leaves this; download again.
        raise IngestError("the downloaded file is missing; it will be downloaded again")
    return files[0]


def backoff(retry: int) -> float:
    """Seconds to wait before retry number `retry` (1, 2, ...): 0.5, 1, 2, ... at most 10."""
    return min(0.5 * 2 ** (retry - 1), 10.0)


class _Throttled:
    def __init__(self, callback: Progress | None) -> None:
        self.callback = callback
        self.last = float("-inf")

    def __call__(self, done: int, total: int | None) -> None:
        now = time.monotonic()
        if self.callback is not None and now - self.last >= PROGRESS_INTERVAL:
            self.last = now
            self.callback(done, total)

    def final(self, done: int, total: int | None) -> None:
        if self.callback is not None:
            self.callback(done, total)


class _Download:
    def __init__(self, url: str, target_dir: Path, progress: _Throttled) -> None:
        self.url = url
        self.target_dir = target_dir
        self.progress = progress
        self.final_url = url
        self.filename = ""
        self.content_type = ""
        self.total: int | None = None
        self.validator: str | None = None  # strong ETag or Last-Modified, for If-Range
        self.done = 0
        self.file: BinaryIO | None = None
        self.aria2_tried = False
        self.aria2_candidate = False  # aria2c could continue this answer if it is slow
        self.next_disk_check = DISK_CHECK_EVERY

    @property
    def part(self) -> Path:
        return self.target_dir / f"{self.filename}.part"

    def run(self) -> DownloadResult:
        retries = 0
        while True:
            try:
                return self._attempt()
            except ConnectionLost as lost:
                retries += 1
                if retries > settings.INGEST_DOWNLOAD_RETRIES:
                    gave_up = f"{lost} (gave up after {retries - 1} retries)"
                    raise DownloadFailed(gave_up, transient=True) from lost
                logger.info("ingest: %s; retry %d at byte %d", lost, retries, self.done)
                sleep(backoff(retries))

    def _attempt(self) -> DownloadResult:
        opened = open_url(self.url, self._resume_headers())
        try:
            if not self._resumes(opened):
                head = self._start(opened)
                self.aria2_candidate = self._wants_aria2(opened)
                self._write(head)
            if self._copy(opened):
                opened.close()
                return self._via_aria2() or self._attempt()
        finally:
            opened.close()
        return self._finish("native")

    def _resume_headers(self) -> dict[str, str]:
        if not self.done:
            return {}
        headers = {"Range": f"bytes={self.done}-"}
        if self.validator:
            headers["If-Range"] = self.validator
        return headers

    def _resumes(self, opened: Opened) -> bool:
        """Whether this answer continues the partial file (206 from the right byte)."""
        status = opened.response.status
        if not self.done or status == 200:
            return False
        if status not in {206, 416}:
            raise status_failure(status, opened.url)
        found = parse_content_range(opened.response.getheader("Content-Range"))
        if status == 206 and found and found[0] == self.done and self.total in {None, found[2]}:
            self.total = found[2]
            return True
        self._truncate()  # not the range asked for (or 416): start clean on the next try
        raise ConnectionLost(f"{opened.url} answered the resume with a wrong range")

    def _start(self, opened: Opened) -> memoryview:
        """Take a 200 answer as the whole body: check it, open the file, return its start."""
        response = opened.response
        if response.status != 200:
            raise status_failure(response.status, opened.url)
        self.final_url = opened.url
        self.content_type = response.getheader("Content-Type", "")
        self.total = content_length(response.getheader("Content-Length"))
        self.validator = if_range_validator(
            response.getheader("ETag"), response.getheader("Last-Modified")
        )
        if not self.filename:
            self.filename = filename_for(response.getheader("Content-Disposition"), opened.url)
        if self.done:
            logger.info("ingest: %s sent the whole file again; starting over", opened.url)
        self._check_page(self.content_type, b"")
        self._check_size(self.total or 0)
        self._check_disk(self.total or 0)
        self._open_part()
        head = read_chunk(opened, bytearray(CHUNK))
        self._check_page(self.content_type, head)
        return head

    def _check_page(self, content_type: str, head: memoryview | bytes) -> None:
        reason = page_reason(content_type, bytes(head[:1024]))
        if reason:
            raise PageNotMedia(f"{self.final_url} is {reason}, not a media file")

    def _check_size(self, size: int) -> None:
        limit = settings.INGEST_MAX_BYTES
        if size > limit:
            raise DownloadFailed(
                f"{self.final_url} is larger than INGEST_MAX_BYTES allows "
                f"({format_bytes(size)} > {format_bytes(limit)})"
            )

    def _check_disk(self, still_to_write: int) -> None:
        free = shutil.disk_usage(self.target_dir).free
        keep = settings.INGEST_MIN_FREE_BYTES
        if free - still_to_write < keep:
            raise DownloadFailed(
                f"not enough free disk space in {self.target_dir}: {format_bytes(free)} free, "
                f"{format_bytes(still_to_write)} still to download, and INGEST_MIN_FREE_BYTES "
                f"keeps {format_bytes(keep)} free"
            )

    def _wants_aria2(self, opened: Opened) -> bool:
        ranges = (opened.response.getheader("Accept-Ranges") or "").strip().lower()
        return (
            not self.aria2_tried
            and settings.INGEST_ARIA2 == "auto"
            and ranges == "bytes"
            and (self.total or 0) >= ARIA2_MIN_BYTES
            and aria2_download.aria2_binary() is not None
        )

    def _via_aria2(self) -> DownloadResult | None:
        """The rest of the body by aria2c on several connections, continuing the partial
        file; None (logged) when it failed, and the native downloader starts over."""
        self.aria2_tried = True
        total = self.total
        if total is None:  # never: only an answer of known length is a candidate (_wants_aria2)
            return None
        self._close_file()
        logger.info("ingest: one connection is slow at byte %d; aria2c continues", self.done)
        try:
            aria2_download.run_aria2(
                self.final_url,
                self.part,
                expected_size=total,
                progress=self._aria2_progress,
                continue_from=self.part,
            )
        except (aria2_download.Aria2Failed, OSError) as failed:
            logger.warning("ingest: aria2c failed, downloading natively instead: %s", failed)
            self.done = 0  # the partial file went with aria2c's folder
            return None
        self.done = total
        return self._finish("aria2")

    def _aria2_progress(self, done: int, total: int | None) -> None:
        if done >= self.next_disk_check:
            self.next_disk_check += DISK_CHECK_EVERY
            self._check_disk(max(0, (total or 0) - done))
        self.progress(done, total)

    def _open_part(self) -> None:
        self._close_file()
        self.file = self.part.open("wb", buffering=0)
        self.done = 0
        self.next_disk_check = DISK_CHECK_EVERY

    def _copy(self, opened: Opened) -> bool:
        """The rest of the body into the file; True (and stopped early) when the connection
        is slow and aria2c should continue the download instead."""
        buffer = bytearray(CHUNK)
        started, start_done = time.monotonic(), self.done
        while chunk := read_chunk(opened, buffer):
            self._write(chunk)
            if self.aria2_candidate and self._too_slow(started, start_done):
                return True
        if self.total is not None and self.done < self.total:
            raise ConnectionLost(
                f"the connection to {opened.checked.host} closed after "
                f"{self.done} of {self.total} bytes"
            )
        return False

    def _too_slow(self, started: float, start_done: int) -> bool:
        """Once the connection has run ARIA2_SAMPLE_SECONDS: is it slower than the setting?
        Decided once per download."""
        elapsed = time.monotonic() - started
        if elapsed < ARIA2_SAMPLE_SECONDS:
            return False
        self.aria2_candidate = False
        return (self.done - start_done) / max(elapsed, 1e-6) < settings.INGEST_ARIA2_SLOWER_THAN

    def _write(self, chunk: memoryview) -> None:
        file = self.file
        if file is None:  # never: _start opens the part file before the first write
            raise RuntimeError(f"{self.part} written before it was opened")
        written = 0
        try:
            while written < len(chunk):
                written += file.write(chunk[written:])
        except OSError as exc:
            raise DownloadFailed(f"could not write {self.part}: {exc}") from None
        self.done += written
        self._check_size(self.done)
        if self.done >= self.next_disk_check:
            self.next_disk_check += DISK_CHECK_EVERY
            self._check_disk(max(0, (self.total or 0) - self.done))
        self.progress(self.done, self.total)

    def _truncate(self) -> None:
        if self.file is not None:
            self.file.seek(0)
            self.file.truncate()
        self.done = 0

    def _finish(self, method: str) -> DownloadResult:
        self._close_file()
        self.progress.final(self.done, self.total)
        path = self.target_dir / self.filename
        self.part.replace(path)
        return DownloadResult(
            path, self.done, self.content_type, self.filename, self.final_url, method
        )

    def _close_file(self) -> None:
        if self.file is not None:
            self.file.close()
            self.file = None

    def discard(self) -> None:
        self._close_file()
        if self.filename:
            self.part.unlink(missing_ok=True)
