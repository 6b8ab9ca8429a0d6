"""What can go wrong in an import job's step, in words an operator can act on.

Every step raises `IngestError` (or a subclass) with a message written for the admin's job
list. `transient` says whether trying again later could help (a dropped connection, a 503);
a job runner retries only those, with backoff, and fails the job at once otherwise.

These are the errors any vault's import job shares (the SSRF guard, the downloader, a
cancel); a vault adds its own for what it makes of the file (`streaming.ingest.errors`).
"""

from __future__ import annotations


class IngestError(Exception):
    transient = False

    def __init__(self, message: str, *, transient: bool | None = None) -> None:
        super().__init__(message)
        if transient is not None:
            self.transient = transient

    @property
    def reason(self) -> str:
        return str(self)


class SourceRefused(IngestError):
    """The URL points somewhere ingest must not go (SSRF guard) or is not a URL we fetch."""


class DownloadFailed(IngestError):
    """The source could not be downloaded (HTTP error, stalled server, size cap, disk full)."""


class IngestCancelled(IngestError):
    """The operator cancelled the job; raised from a progress callback to stop a step."""


class AlreadyInLibrary(IngestError):
    """The job's content is already in the library: not an error, an ending.

    Raised by a process step before anything is stored (or before its result is catalogued,
    when another job got there first); the runner ends the job as `duplicate`, with `found`
    (what the library had: a video's version, a comic's chapter) as its result."""

    def __init__(self, found: object, note: str) -> None:
        super().__init__(note)
        self.found = found
        self.note = note


class PageNotMedia(DownloadFailed):
    """The URL answered with an HTML page or an HLS playlist, not a media file.

    Not a dead end: the caller hands such a URL to yt-dlp, which knows how to find the video.
    """
