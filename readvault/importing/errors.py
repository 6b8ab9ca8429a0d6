"""What can go wrong in ReadVault's own import steps: the chapter and where it goes.

The errors every import job shares (a refused source, a failed download, a cancel) are in
`ingest_core.errors`; these subclass its `IngestError`, so the runner treats them alike.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import ingest_core.errors
from ingest_core.errors import IngestError

if TYPE_CHECKING:  # the models import the life cycle; keep the models out of import time
    from readvault.models import Chapter


class ChapterRejected(IngestError):
    """The source cannot become a chapter (not a comic archive, a zip bomb, an encrypted or
    corrupt archive, a text EPUB): the archive layer's reason, word for word."""


class ChapterNumberTaken(IngestError):
    """The series already has a chapter with this number, from another archive."""


class AlreadyInLibrary(ingest_core.errors.AlreadyInLibrary):
    """The job's archive is already a chapter of the library (`chapter`): the job ends as
    `duplicate`, pointing at that chapter."""

    def __init__(self, chapter: Chapter, note: str) -> None:
        super().__init__(chapter, note)
        self.chapter = chapter
