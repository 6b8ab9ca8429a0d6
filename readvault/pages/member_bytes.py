"""A page's own bytes, read from its chapter's stored archive with one ranged read.

Import records where each page member's data starts in the ZIP (`Page.data_offset`), how
many bytes it takes there (`compressed_size`) and how it is compressed (stored, or deflate:
ZIP method 8, a raw deflate stream, RFC 1951). So a page costs one ranged read of exactly
those bytes from whatever backend holds the archive (local disk, S3, Telegram), inflated
here when deflated; the archive's central directory is never read again.
"""

from __future__ import annotations

import zlib
from collections.abc import AsyncIterator

from readvault.models import Page
from stored_media.models import StoredObject
from stored_media.storage import get_backend

CHUNK = 256 * 1024


class CorruptPage(Exception):
    """The archive's bytes are not the page import recorded (bad deflate data, wrong size)."""


async def page_chunks(
    page: Page, archive: StoredObject, chunk_size: int = CHUNK
) -> AsyncIterator[bytes]:
    """The page's image bytes (`page.size` of them), as the backend delivers them. Raises the
    backend's errors (ObjectMissing, BackendUnavailable) and CorruptPage."""
    backend = get_backend(archive.backend)
    start = page.data_offset
    stored = backend.read_range(
        archive.key, archive.part_list, start, start + page.compressed_size, chunk_size
    )
    try:
        if page.compression == Page.Compression.STORED:
            async for chunk in _checked_length(stored, page):
                yield chunk
        elif page.compression == Page.Compression.DEFLATE:
            async for chunk in _inflated(stored, page):
                yield chunk
        else:
            raise CorruptPage(f"page {page.pk}: ZIP method {page.compression} is not read here")
    finally:
        await close(stored)


async def close(chunks: AsyncIterator[bytes]) -> None:
    """Close a backend read (an async generator) early, so it fetches nothing more."""
    aclose = getattr(chunks, "aclose", None)
    if aclose is not None:
        await aclose()


async def read_page(page: Page, archive: StoredObject) -> bytes:
    """The whole page in memory (for making images from it)."""
    return b"".join([chunk async for chunk in page_chunks(page, archive)])


async def _checked_length(stored: AsyncIterator[bytes], page: Page) -> AsyncIterator[bytes]:
    count = 0
    async for chunk in stored:
        count += len(chunk)
        yield chunk
    if count != page.size:
        raise CorruptPage(f"page {page.pk}: {count} bytes stored, {page.size} recorded")


async def _inflated(stored: AsyncIterator[bytes], page: Page) -> AsyncIterator[bytes]:
    # Raw deflate (negative window bits): a ZIP member has no zlib header. Output is capped
    # at the recorded size, so a member that inflates to more (a bomb) stops right there.
    inflater = zlib.decompressobj(-zlib.MAX_WBITS)
    left = page.size
    try:
        async for chunk in stored:
            pending = chunk
            while pending:
                out = inflater.decompress(pending, left + 1)
                left -= len(out)
                if left < 0:
                    raise CorruptPage(f"page {page.pk} inflates to more than {page.size} bytes")
                if out:
                    yield out
                pending = inflater.unconsumed_tail
        tail = inflater.flush()
    except zlib.error as exc:
        raise CorruptPage(f"page {page.pk}: bad deflate data ({exc})") from None
    left -= len(tail)
    if tail and left >= 0:
        yield tail
    if left != 0 or not inflater.eof:
        raise CorruptPage(f"page {page.pk} inflates to {page.size - left} bytes, not {page.size}")
