"""A stored archive becomes a chapter of the library, all at once.

In one transaction: the series (the operator's target, else one found or made from the
ComicInfo.xml and the names), its volume, the chapter, a row for each page, and the series
published when the job says so. Readers see either nothing or the whole chapter. Page images
are queued only once that transaction has committed, and so is the metadata lookup of a
skeleton series made here (`readvault.importing.series_lookup`).

The chapter takes its place in the series' reading order as it is added
(`readvault.catalogue.chapter_order.position_for_new`): a series the operator sorted stays
sorted.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction

from readvault.archives import PreparedChapter
from readvault.catalogue.chapter_order import position_for_new
from readvault.importing import series_lookup
from readvault.importing.errors import ChapterNumberTaken
from readvault.importing.placement import Place
from readvault.importing.series_match import known_series, series_for
from readvault.models import Chapter, ImportJob, Page, Series, Volume
from readvault.pages import images as page_images
from stored_media.models import StoredObject


def catalogue(
    job: ImportJob, prepared: PreparedChapter, place: Place, archive: StoredObject
) -> Chapter:
    try:
        with transaction.atomic():
            chapter = _add_chapter(job, prepared, place, archive)
    except IntegrityError:
        # Another job added this number (or this whole volume) since the check before storing.
        refuse_taken_number(job, place)
        raise
    return chapter


def _add_chapter(
    job: ImportJob, prepared: PreparedChapter, place: Place, archive: StoredObject
) -> Chapter:
    series, made = series_for(job, place)
    volume = None
    if place.volume is not None:
        volume, _ = Volume.objects.get_or_create(series=series, number=place.volume)
    refuse_taken_number(job, place, series)
    chapter = Chapter.objects.create(
        series=series,
        volume=volume,
        number=place.number,
        position=position_for_new(series, place.volume, place.number),
        title=place.title,
        release_date=place.release_date,
        page_count=len(prepared.pages),
        archive=archive,
        source_format=prepared.source_format,
        kept_as_is=prepared.kept_as_is,
    )
    Page.objects.bulk_create(
        Page(
            chapter=chapter,
            index=page.index,
            member_name=page.member_name[:500],
            width=page.width,
            height=page.height,
            format=page.format,
            size=page.size,
            is_wide=page.is_wide,
            data_offset=page.data_offset,
            compressed_size=page.compressed_size,
            compression=page.compression,
        )
        for page in prepared.pages
    )
    if job.publish and series.status != Series.Status.PUBLISHED:
        series.status = Series.Status.PUBLISHED
        series.save(update_fields=["status", "updated_at"])
    page_images.queue_for(chapter)  # once the transaction has committed
    if made and series.is_skeleton:
        series_lookup.queue_for(series)  # once the transaction has committed
    return chapter


def refuse_taken_number(job: ImportJob, place: Place, series: Series | None = None) -> None:
    """Fail the job, naming the chapter already there, when the series has this chapter
    number (or, for a whole volume without one, this volume) from another archive."""
    series = series or known_series(job, place)
    if series is None:
        return
    chapters = Chapter.objects.filter(series=series).select_related("volume")
    if place.number is not None:
        taken = chapters.filter(number=place.number).first()
    elif place.volume is not None:
        taken = chapters.filter(number__isnull=True, volume__number=place.volume).first()
    else:
        return
    if taken is not None:
        raise ChapterNumberTaken(
            f"{series.title} already has {taken.label} (chapter #{taken.pk}, from another "
            "archive); remove it first or give this file another number"
        )
