"""A page's image from the bytes of one ranged read of the chapter archive."""

from __future__ import annotations

import zlib
from typing import BinaryIO

from readvault.archives.chapter import PageFacts
from readvault.archives.errors import ArchiveRejected

STORED = 0
DEFLATED = 8


def page_bytes(raw: bytes, facts: PageFacts) -> bytes:
    """`raw` is bytes [data_offset, data_offset + compressed_size) of the archive."""
    if len(raw) != facts.compressed_size:
        raise ArchiveRejected(
            f"Page {facts.index + 1} ({facts.member_name!r}): got {len(raw):,} bytes, expected "
            f"{facts.compressed_size:,}."
        )
    if facts.compression == STORED:
        return raw
    if facts.compression == DEFLATED:
        # ZIP members are raw deflate streams: no zlib header (negative window bits).
        inflater = zlib.decompressobj(-zlib.MAX_WBITS)
        image = inflater.decompress(raw, facts.size + 1)  # +1: a longer stream is caught
        if len(image) != facts.size or not inflater.eof:
            raise ArchiveRejected(
                f"Page {facts.index + 1} ({facts.member_name!r}) does not inflate to its "
                f"{facts.size:,} bytes."
            )
        return image
    raise ArchiveRejected(
        f"Page {facts.index + 1} ({facts.member_name!r}) uses compression method "
        f"{facts.compression}, which a page read does not handle."
    )


def read_page(archive: BinaryIO, facts: PageFacts) -> bytes:
    """The same from a seekable file: one seek, one read."""
    archive.seek(facts.data_offset)
    return page_bytes(archive.read(facts.compressed_size), facts)
