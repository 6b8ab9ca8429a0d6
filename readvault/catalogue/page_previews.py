"""A page as the operator sees it in the admin (choosing a cover): the smallest image made
from it when there is one, else the page as stored in its chapter's archive.

The admin serves these itself rather than through signed page links (readvault.pages.links):
a site's links serve only the series it shows, and a draft's cover is chosen before any site
shows it.
"""

from __future__ import annotations

from dataclasses import dataclass

from asgiref.sync import async_to_sync

from readvault.models import Page, PageImage
from readvault.pages.member_bytes import read_page
from readvault.pages.variants import content_type
from stored_media.models import StoredObject
from stored_media.storage import get_backend


@dataclass(frozen=True)
class Preview:
    body: bytes
    content_type: str


def preview_of(page: Page) -> Preview:
    """Raises the backend's errors (ObjectMissing, BackendUnavailable) and CorruptPage."""
    smallest = (
        PageImage.objects.filter(page=page).select_related("stored").order_by("width").first()
    )
    if smallest is not None:
        return Preview(async_to_sync(_read_all)(smallest.stored), content_type(smallest.format))
    return Preview(async_to_sync(read_page)(page, page.chapter.archive), content_type(page.format))


async def _read_all(stored: StoredObject) -> bytes:
    chunks = get_backend(stored.backend).read_range(stored.key, stored.part_list, 0, stored.size)
    try:
        return b"".join([chunk async for chunk in chunks])
    finally:
        close = getattr(chunks, "aclose", None)  # a backend's generator: closed if cut short
        if close is not None:
            await close()
