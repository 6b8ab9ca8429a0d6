"""What can go wrong in an ingest step, in words an operator can act on.

Every step raises `IngestError` (or a subclass) with a message written for the admin's job
list. `transient` says whether trying again later could help (a dropped connection, a 503);
the job runner retries only those, with backoff, and fails the job at once otherwise.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the models import the life cycle, which imports these errors
    from streaming.models import MediaFile


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


class MediaRejected(IngestError):
    """The file is not a video we can make playable (no video stream, corrupt, undecodable)."""


class ProcessingFailed(IngestError):
    """ffmpeg failed on a file that looked fine to ffprobe."""


class IngestCancelled(IngestError):
    """The operator cancelled the job; raised from a progress callback to stop a step."""


class PageNotMedia(DownloadFailed):
    """The URL answered with an HTML page or an HLS playlist, not a media file.

    Not a dead end: the caller hands such a URL to yt-dlp, which knows how to find the video.
    """


class AlreadyInLibrary(IngestError):
    """The job's content is already a version in the catalogue: not an error, an ending.

    Raised by the processing step before anything is made or stored (or before the new
    version is attached, when another job got there first); the runner ends the job as
    `duplicate`, pointing at the version that was there."""

    def __init__(self, media: MediaFile, note: str) -> None:
        super().__init__(note)
        self.media = media
        self.note = note
