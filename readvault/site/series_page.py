"""What the series page shows: the series' facts, its volumes and chapters with the member's
read state of each, and where "Start reading" / "Continue" goes.

A fixed number of queries whatever the number of chapters (asserted in
tests/test_readvault_site_series_page.py at 500): the chapters with their volumes, the
credits, genres and tags, the cover (three), and for a member their progress in the series
and whether it is on their list.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from readvault.models import Chapter, Genre, Series, SeriesCredit, Tag, WantToRead
from readvault.pages.links import cover_urls
from readvault.reading.progress import ResumePoint, progress_in, resume_point
from readvault.site.access import chapters_of
from readvault.site.reader_links import reader_url
from readvault.site.reading_labels import resume_label, state_of
from tenants.access import is_member
from tenants.request_types import SiteRequest

COVER_WIDTH = 600  # the page's cover is up to 220 px wide: 600 covers a 2x screen


@dataclass(frozen=True)
class ChapterRow:
    chapter: Chapter
    state: str  # read, reading, unread
    state_label: str  # Read, Page 7 of 20, Unread
    read_url: str  # the reader, at the page the member stopped on


@dataclass
class VolumeGroup:
    """Chapters in a row that share a volume (None: no volume)."""

    volume_number: int | None
    chapters: list[ChapterRow] = field(default_factory=list)


@dataclass
class SeriesPage:
    series: Series
    cover_url: str | None
    credits: list[tuple[str, list[str]]]  # (role, names) in the series' credit order
    genres: list[Genre]
    tags: list[Tag]
    groups: list[VolumeGroup]
    chapter_count: int
    resume: ResumePoint | None
    resume_label: str
    resume_url: str
    is_member: bool
    wanted: bool


def load_series_page(request: SiteRequest, series: Series) -> SeriesPage:
    member = is_member(request)
    chapters = chapters_of(series)
    progress = progress_in(request.tenant, request.user, series) if member else {}
    point = resume_point(chapters, progress)
    start = point.chapter if point is not None else chapters[0] if chapters else None
    rows = [_row(chapter, progress.get(chapter.pk)) for chapter in chapters]
    wanted = member and (
        WantToRead.objects.for_tenant(request.tenant)
        .filter(user=request.user, series=series)
        .exists()
    )
    return SeriesPage(
        series=series,
        cover_url=cover_urls([series.pk], request, COVER_WIDTH).get(series.pk),
        credits=_credits(series),
        genres=list(series.genres.all()),
        tags=list(series.tags.all()),
        groups=_by_volume(rows),
        chapter_count=len(chapters),
        resume=point,
        resume_label=resume_label(point),
        resume_url=reader_url(start.pk, point.page if point else 0) if start else "",
        is_member=member,
        wanted=wanted,
    )


def _row(chapter: Chapter, progress) -> ChapterRow:
    state, label = state_of(progress)
    page = progress.page if progress is not None and state == "reading" else 0
    return ChapterRow(chapter, state, label, reader_url(chapter.pk, page))


def _credits(series: Series) -> list[tuple[str, list[str]]]:
    by_role: dict[str, list[str]] = {}
    credits = SeriesCredit.objects.filter(series=series).select_related("person")
    for credit in credits.order_by("order", "role", "person__name"):
        by_role.setdefault(credit.get_role_display(), []).append(credit.person.name)
    return list(by_role.items())


def _by_volume(rows: list[ChapterRow]) -> list[VolumeGroup]:
    groups: list[VolumeGroup] = []
    for row in rows:
        volume = row.chapter.volume
        number = volume.number if volume is not None else None
        if not groups or groups[-1].volume_number != number:
            groups.append(VolumeGroup(number))
        groups[-1].chapters.append(row)
    return groups
