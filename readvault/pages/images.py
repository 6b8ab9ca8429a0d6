"""Images made from a chapter's pages ahead of reading, in the background (Celery, `cpu`
queue): reading widths 400/800/1200 in WebP and JPEG (AVIF too with READVAULT_PAGE_AVIF),
the chapter's thumbnail (its first page, 200/400) and the series' cover (300/600) in AVIF,
WebP and JPEG; only widths below the page's own (readvault.pages.variants.planned_images).

Each image is stored on the archive's backend and recorded as a PageImage. A run makes only
what is missing, so running it again (a retry, a second delivery, a changed cover) is cheap;
a page that cannot be read or decoded is logged and skipped, the rest of the chapter is made.
The import pipeline calls `queue_for(chapter)` once a chapter is stored.
"""

from __future__ import annotations

import asyncio
import logging
import tempfile
from pathlib import Path

from django.conf import settings
from django.db import IntegrityError, transaction

from readvault.models import Chapter, Page, PageImage
from readvault.pages import encoding as image_encoding
from readvault.pages.encoding import UnreadableImage
from readvault.pages.member_bytes import CorruptPage, read_page
from readvault.pages.roles import cover_page_id
from readvault.pages.variants import PageRoles, planned_images
from shadowvault.task_queues import enqueue
from stored_media.models import StoredObject
from stored_media.objects import store_file
from stored_media.storage import get_backend

logger = logging.getLogger(__name__)

TASK = "readvault.tasks.make_page_images"


def queue_for(chapter: Chapter) -> None:
    """Make the chapter's images in the background once the current transaction commits
    (a worker must find the chapter's rows)."""
    chapter_id = chapter.pk
    transaction.on_commit(lambda: enqueue(TASK, chapter_id))


def missing_images(page: Page, cover_id: int | None) -> list[tuple[int, str]]:
    """The (width, format) pairs planned for `page` that are not made yet, widest first."""
    roles = PageRoles(page.width, is_thumbnail=page.index == 0, is_cover=page.pk == cover_id)
    made = {(image.width, image.format) for image in page.images.all()}
    planned = planned_images(roles, settings.READVAULT_PAGE_AVIF)
    return [wanted for wanted in planned if wanted not in made]


def make_for_chapter(chapter: Chapter) -> list[PageImage]:
    """Make every missing image of the chapter's pages; the images made."""
    cover_id = cover_page_id(chapter.series)
    archive = chapter.archive
    made: list[PageImage] = []
    pages = chapter.pages.order_by("index").prefetch_related("images")
    # One event loop for the chapter's reads (a Telegram backend keeps its connections per
    # loop); the database is used between reads, outside the loop.
    with asyncio.Runner() as runner:
        try:
            for page in pages:
                if wanted := missing_images(page, cover_id):
                    made += _make_for_page(page, archive, wanted, runner)
        finally:
            close = getattr(get_backend(archive.backend), "aclose", None)
            if close is not None:
                runner.run(close())
    return made


def _make_for_page(
    page: Page, archive: StoredObject, wanted: list[tuple[int, str]], runner: asyncio.Runner
) -> list[PageImage]:
    try:
        data = runner.run(read_page(page, archive))
        image = image_encoding.decode(data, widest=wanted[0][0])
        del data
        made = []
        for width in dict.fromkeys(w for w, _ in wanted):
            if width > image.width:
                continue  # the page is smaller than recorded: the original serves this width
            smaller = image_encoding.resized(image, width)
            for image_format in (f for w, f in wanted if w == width):
                encoded = image_encoding.encode(smaller, image_format)
                if (saved := _save(page, archive, width, image_format, encoded)) is not None:
                    made.append(saved)
        return made
    except (CorruptPage, UnreadableImage) as exc:
        logger.warning(
            "page images: skipped page %s (index %s) of chapter %s: %s",
            page.pk,
            page.index,
            page.chapter_id,
            exc,
        )
        return []


def _save(
    page: Page, archive: StoredObject, width: int, image_format: str, encoded: bytes
) -> PageImage | None:
    name = f"chapter-{page.chapter_id}-page-{page.index + 1:04d}-{width}"
    with tempfile.TemporaryDirectory(prefix="readvault-image-") as scratch:
        source = Path(scratch) / "image"
        source.write_bytes(encoded)
        stored = store_file(source, name, archive.backend, move=True, kind=image_format)
    try:
        with transaction.atomic():
            return PageImage.objects.create(
                page=page, width=width, format=image_format, stored=stored
            )
    except IntegrityError:
        # Another run made the same image meanwhile: keep theirs, drop ours.
        get_backend(stored.backend).delete(stored.key, stored.part_list)
        stored.delete()
        return None
