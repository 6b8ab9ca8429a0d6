"""What can go wrong in StreamVault's own ingest steps: the video and what becomes of it.

The errors every import job shares (a refused source, a failed download, a cancel) are in
`ingest_core.errors`; these subclass its `IngestError`, so the runner treats them alike.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import ingest_core.errors
from ingest_core.errors import IngestError

if TYPE_CHECKING:  # the models import the life cycle; keep the models out of import time
    from streaming.models import MediaFile


class MediaRejected(IngestError):
    """The file is not a video we can make playable (no video stream, corrupt, undecodable)."""


class ProcessingFailed(IngestError):
    """ffmpeg failed on a file that looked fine to ffprobe."""


class AlreadyInLibrary(ingest_core.errors.AlreadyInLibrary):
    """The job's content is already a version in the catalogue (`media`): the job ends as
    `duplicate`, pointing at the version that was there."""

    def __init__(self, media: MediaFile, note: str) -> None:
        super().__init__(media, note)
        self.media = media
