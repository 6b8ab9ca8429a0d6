"""Fetch a series for the request's site and check it is shown there, in one step.

A draft, or a series the site hid, answers the same 404 as no series at all
(readvault.models.library.visible_rule).
"""

from __future__ import annotations

from django.http import Http404

from readvault.models import Chapter, Series
from tenants.request_types import SiteRequest

NO_SUCH_SERIES = "No such series on this site."


def get_series_for(request: SiteRequest, slug: str) -> Series:
    """A series this site shows, by its slug, or 404."""
    series = Series.objects.visible_on(request.tenant).filter(slug=slug).first()
    if series is None:
        raise Http404(NO_SUCH_SERIES)
    return series


def chapters_of(series: Series) -> list[Chapter]:
    """The series' chapters in reading order, with their volumes (one query)."""
    return list(series.chapters.select_related("volume").order_by("position", "number", "id"))
