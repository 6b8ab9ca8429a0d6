"""What preparing a chapter hands back: the archive to store and the facts of each page."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class PageFacts:
    index: int  # 0-based reading order
    member_name: str  # the member's name inside cbz_path
    width: int
    height: int
    format: str  # "jpeg", "png", "webp", "gif", "avif", "bmp"
    size: int  # uncompressed bytes
    is_wide: bool  # wider than tall: a double-page spread
    # Where the member's data starts inside cbz_path (after its local header): one ranged read
    # of compressed_size bytes from here fetches the page.
    data_offset: int
    compressed_size: int
    compression: int  # 0 stored, 8 deflate


@dataclass(frozen=True)
class PreparedChapter:
    cbz_path: Path
    kept_as_is: bool  # the source ZIP/CBZ itself, byte for byte (cbz_path == source)
    source_format: str  # "cbz", "cbr", "cb7", "cbt", "pdf", "epub", "folder"
    comicinfo: bytes | None
    pages: list[PageFacts]
    # What was changed on the way, for the operator (a CMYK page converted to RGB).
    notes: list[str] = field(default_factory=list)
