"""Chapters as rows alone, many at once, for pages whose query counts must not grow with a
series' length (no archive bytes: nothing reads them; tests/factories.py's comic_chapter
makes real ones)."""

from __future__ import annotations

from decimal import Decimal

from readvault.catalogue import newest_chapter
from readvault.models import Chapter, Series
from stored_media.models import StoredObject


def many_chapters(series: Series, count: int, page_count: int = 20, **fields) -> list[Chapter]:
    """`count` chapters numbered 1.. in reading order, each with a stand-in archive row."""
    archives = StoredObject.objects.bulk_create(
        StoredObject(backend="local", key=f"rows/{series.pk}/{n}.cbz", filename=f"{n}.cbz", size=1)
        for n in range(count)
    )
    chapters = Chapter.objects.bulk_create(
        Chapter(
            series=series,
            number=Decimal(n + 1),
            position=n,
            archive=archive,
            source_format=Chapter.SourceFormat.CBZ,
            page_count=page_count,
            **fields,
        )
        for n, archive in enumerate(archives)
    )
    newest_chapter.refresh([series.pk])  # bulk_create sends no signals
    return chapters
