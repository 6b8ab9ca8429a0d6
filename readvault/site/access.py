"""Fetch series and chapters for the request's site and viewer, and check they are shown,
in one step: the site's pages, the reader and OPDS all load through here.

A draft, a series the site hid, or one rated above the site's age cap
(readvault.models.library.visible_rule) answers the same 404 as no series at all; so does
one above the member's own age cap (`viewer_age_cap`), on this site's pages only.
"""

from __future__ import annotations

from django.http import Http404

from readvault.models import Chapter, Series
from readvault.models.age_ratings import age_cap_rule
from readvault.models.library import visible_rule
from shadowvault.request_numbers import parse_bounded_int
from tenants.middleware import membership_for
from tenants.request_types import SiteRequest

NO_SUCH_SERIES = "No such series on this site."
NO_SUCH_CHAPTER = "No such chapter on this site."
MAX_ID = 2**63 - 1  # a 64-bit key: larger numbers overflow the database's integer


def viewer_age_cap(request: SiteRequest) -> int | None:
    """The cap the signed-in member chose for their account here (None: none). The site's
    own cap is in visible_rule already; the stricter of the two wins."""
    user = request.user
    if not user.is_authenticated:
        return None
    membership = membership_for(request, user)  # cached on the request: no query
    return membership.age_cap if membership is not None else None


def visible_series(request: SiteRequest):
    """The series this site shows to this viewer (site rule and the member's age cap)."""
    return Series.objects.visible_on(request.tenant).filter(age_cap_rule(viewer_age_cap(request)))


def visible_chapters(request: SiteRequest):
    """Chapters of the series `visible_series` lets through."""
    cap = age_cap_rule(viewer_age_cap(request), "series__")
    return Chapter.objects.filter(visible_rule(request.tenant, "series__")).filter(cap)


def get_series_for(request: SiteRequest, slug: str) -> Series:
    """A series this site shows this viewer, by its slug, or 404."""
    series = visible_series(request).filter(slug=slug).first()
    if series is None:
        raise Http404(NO_SUCH_SERIES)
    return series


def get_chapter_for(request: SiteRequest, chapter_id: int | str) -> Chapter:
    """A chapter of a series this site shows this viewer, with its series and volume, or
    404 (ids come from URLs: any text is answered, never a 500)."""
    pk = chapter_id if isinstance(chapter_id, int) else parse_bounded_int(chapter_id, 1, MAX_ID)
    chapter = None
    if pk is not None and 1 <= pk <= MAX_ID:  # an int from a route may still be out of range
        chapter = visible_chapters(request).select_related("series", "volume").filter(pk=pk).first()
    if chapter is None:
        raise Http404(NO_SUCH_CHAPTER)
    return chapter


def chapters_of(series: Series) -> list[Chapter]:
    """The series' chapters in reading order, with their volumes (one query)."""
    return list(series.chapters.select_related("volume").order_by("position", "number", "id"))
