"""Chapters for the reader's tests (its manifest, progress and settings): a real stored
chapter (tests.factories.comic_chapter) whose Page rows are then set to any number and shape
of pages, and page images recorded as made, without encoding anything: the reader's server
side reads only the rows."""

from __future__ import annotations

from collections.abc import Iterable

from readvault.models import Chapter, Page, PageImage, Series
from stored_media.models import StoredObject
from tests.factories import comic_chapter


def chapter_of(
    series: Series,
    number: str,
    count: int,
    *,
    wide: Iterable[int] = (),
    size: tuple[int, int] = (1000, 1400),
    **fields,
) -> Chapter:
    """A chapter of `count` pages of `size` (the `wide` ones twice as wide, spreads)."""
    chapter = comic_chapter(series, number, **fields)
    chapter.pages.all().delete()
    spreads = set(wide)
    width, height = size
    Page.objects.bulk_create(
        Page(
            chapter=chapter,
            index=index,
            member_name=f"{index:04}.jpg",
            width=width * 2 if index in spreads else width,
            height=height,
            format="jpeg",
            size=1000,
            is_wide=index in spreads,
            data_offset=0,
            compressed_size=1000,
        )
        for index in range(count)
    )
    chapter.page_count = count
    chapter.save(update_fields=["page_count"])
    return chapter


def made(page: Page, *widths: int, image_format: str = "webp") -> None:
    """Record images of `page` at `widths` as made (rows only, no bytes)."""
    for width in widths:
        stored = StoredObject.objects.create(
            backend="local",
            key=f"made/{page.pk}-{width}.{image_format}",
            filename=f"{width}.{image_format}",
            content_type=f"image/{image_format}",
            size=1,
        )
        PageImage.objects.create(page=page, width=width, format=image_format, stored=stored)
