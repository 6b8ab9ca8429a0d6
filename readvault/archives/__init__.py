"""ReadVault's archive layer: any comic source in, a chapter archive with random page access
and the facts of each page out. Plain functions and dataclasses; no Django models.

Why sources are converted: a reader asks for one page at a time, and the chapter archive may
sit on any storage (local disk, S3, Telegram) where the only cheap access is a ranged read. A
ZIP whose pages are stored or deflated answers that: each page is one ranged read at a known
offset (PageFacts.data_offset). RAR and 7z (often solid), tar, PDF and EPUB do not, so they are
turned once, at import, into a plain CBZ of STORED pages, the images byte for byte (PDF pages
are rendered to JPEG). A ZIP/CBZ that is already fine is kept byte for byte.

The entry points: prepare_chapter (readvault.archives.prepare), page_bytes and read_page
(readvault.archives.page_read), Limits (readvault.archives.limits), ArchiveRejected
(readvault.archives.errors), PageProgress (readvault.archives.page_progress: how far
prepare_chapter has come, page by page).
"""

from readvault.archives.chapter import PageFacts, PreparedChapter
from readvault.archives.errors import ArchiveRejected
from readvault.archives.limits import DEFAULT_LIMITS, Limits
from readvault.archives.page_progress import PageProgress
from readvault.archives.page_read import page_bytes, read_page
from readvault.archives.prepare import prepare_chapter

__all__ = [
    "DEFAULT_LIMITS",
    "ArchiveRejected",
    "Limits",
    "PageFacts",
    "PageProgress",
    "PreparedChapter",
    "page_bytes",
    "prepare_chapter",
    "read_page",
]
