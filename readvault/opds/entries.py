"""Entries of the catalogue's feeds: a series (a way into its chapters, with its cover) and
a chapter (a CBZ to download and pages to stream). Each list of entries costs a constant
number of queries: covers, thumbnails and reading progress are read for the whole page."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Sequence

from readvault.models import Chapter, ReadingProgress, Series
from readvault.models.library import format_number
from readvault.opds import atom
from readvault.opds.images import cover_links, first_page_links
from readvault.opds.links import CatalogueLinks
from tenants.entitlements import entitlements_for
from tenants.request_types import SiteRequest

COVER_WIDTH, COVER_THUMBNAIL_WIDTH = 600, 300  # widths made for covers
PAGE_WIDTH, PAGE_THUMBNAIL_WIDTH = 400, 200  # widths made for chapter thumbnails
SUMMARY_LENGTH = 600
# PSE lets a link name one type; every page answer is one of the three the spec allows
# (readvault.opds.pse), and clients decode by the answer's own Content-Type.
STREAM_TYPE = "image/jpeg"


def add_series(
    root: ET.Element, request: SiteRequest, links: CatalogueLinks, series_list: Sequence[Series]
) -> None:
    """An entry per series, linking to its chapters' feed (three queries for the covers)."""
    covers = cover_links(series_list, request, (COVER_WIDTH, COVER_THUMBNAIL_WIDTH))
    tenant_pk = request.tenant.pk
    for series in series_list:
        summary = series.summary[:SUMMARY_LENGTH] or series.get_run_status_display()
        element = atom.entry(
            root,
            atom.stable_id(tenant_pk, "series", series.pk),
            series.title,
            series.updated_at,
            summary,
        )
        atom.link(element, "subsection", links.series_feed(series.slug), atom.ACQUISITION)
        atom.link(element, "alternate", f"/manga/{series.slug}/", "text/html")
        if series.pk in covers:
            image, thumbnail = covers[series.pk]
            atom.link(element, atom.REL_IMAGE, image, "image/jpeg")
            atom.link(element, atom.REL_THUMBNAIL, thumbnail, "image/jpeg")
        if series.language:
            atom.language(element, series.language)


def add_chapters(
    root: ET.Element,
    request: SiteRequest,
    links: CatalogueLinks,
    chapters: Sequence[Chapter],
    progress: dict[int, ReadingProgress],
    *,
    with_series: bool = False,
) -> None:
    """An entry per chapter (its series and volume loaded): the CBZ and the PSE stream with
    the reader's last page (two queries for the thumbnails)."""
    thumbnails = first_page_links(chapters, request, (PAGE_WIDTH, PAGE_THUMBNAIL_WIDTH))
    tenant_pk = request.tenant.pk
    downloads = entitlements_for(request).downloads
    for chapter in chapters:
        label, series_title = chapter.label, chapter.series.title  # each worked out once
        title = f"{series_title}: {label}" if with_series else label
        pages = f"{chapter.page_count} page{'s' if chapter.page_count != 1 else ''}"
        element = atom.entry(
            root,
            atom.stable_id(tenant_pk, "chapter", chapter.pk),
            title,
            chapter.updated_at,
            f"{series_title}, {label}: {pages}.",
        )
        if chapter.release_date:
            atom.issued(element, chapter.release_date.isoformat())
        if downloads:  # the reader's plan (tenants.entitlements); PSE streams either way
            atom.link(
                element,
                atom.REL_ACQUISITION,
                links.download(chapter.pk),
                atom.CBZ_TYPE,
                title=f"{series_title} {chapter_name(chapter)}.cbz",
            )
        _stream_link(element, links, chapter, progress.get(chapter.pk))
        if chapter.pk in thumbnails:
            image, thumbnail = thumbnails[chapter.pk]
            atom.link(element, atom.REL_IMAGE, image, "image/jpeg")
            atom.link(element, atom.REL_THUMBNAIL, thumbnail, "image/jpeg")


def _stream_link(element, links: CatalogueLinks, chapter: Chapter, row: ReadingProgress | None):
    extra = {"pse_count": str(chapter.page_count)}
    if row is not None:
        # PSE counts the last page read from 1; ReadingProgress keeps the 0-based index.
        extra["pse_lastRead"] = str(min(row.page, max(chapter.page_count - 1, 0)) + 1)
        read_at = atom.date(row.updated_at)
        # 1.2's published page names it lastReadDate, its source text lastReadUpdate: both.
        extra["pse_lastReadDate"] = read_at
        extra["pse_lastReadUpdate"] = read_at
    atom.link(element, atom.REL_STREAM, links.stream_template(chapter.pk), STREAM_TYPE, **extra)


def chapter_name(chapter: Chapter) -> str:
    """ "v01 c012" or "c10.5": how a chapter is named in a file name."""
    parts = []
    if chapter.volume is not None:
        parts.append(f"v{chapter.volume.number:02d}")
    if chapter.number is not None:
        parts.append(f"c{format_number(chapter.number)}")
    return " ".join(parts) or f"chapter {chapter.pk}"
