"""What each feed lists, for the request's site and viewer: every list starts from
readvault.site.access (the site's rule and the member's age cap), so a feed never shows
what the site's own pages would not."""

from __future__ import annotations

from django.db.models import QuerySet

from readvault.models import Genre, ReadingProgress, Series, WantToRead
from readvault.search.series import MAX_LIMIT, search_series
from readvault.site.access import visible_chapters, visible_series
from tenants.request_types import SiteRequest


def series_a_to_z(request: SiteRequest) -> QuerySet:
    return visible_series(request).order_by("sort_title", "title", "pk")


def series_in_genre(request: SiteRequest, genre: Genre) -> QuerySet:
    return series_a_to_z(request).filter(genres=genre)


def genres_shown(request: SiteRequest) -> QuerySet:
    """Genres with at least one series this viewer may see, by name."""
    shown = visible_series(request).values("pk")
    return Genre.objects.filter(series__in=shown).distinct().order_by("name", "pk")


def want_to_read(request: SiteRequest) -> QuerySet:
    """The series on the viewer's list, by title."""
    listed = WantToRead.objects.for_tenant(request.tenant).filter(user=request.user)
    return series_a_to_z(request).filter(pk__in=listed.values("series_id"))


def newest_chapters(request: SiteRequest) -> QuerySet:
    return (
        visible_chapters(request).select_related("series", "volume").order_by("-created_at", "-pk")
    )


def continue_reading(request: SiteRequest) -> QuerySet:
    """Chapters started and not finished, the last one read first (progress rows, with
    their chapters)."""
    shown = visible_chapters(request).values("pk")
    return (
        ReadingProgress.objects.for_tenant(request.tenant)
        .filter(user=request.user, finished=False, chapter__in=shown)
        .select_related("chapter__series", "chapter__volume")
        .order_by("-updated_at", "-pk")
    )


def series_found(request: SiteRequest, terms: str) -> list[Series]:
    """The series the site's search finds for `terms`, best first, within what this viewer
    may see (the search knows the site's rule; the member's cap is applied here)."""
    hits = search_series(terms, request.tenant, limit=MAX_LIMIT).hits
    order = {hit.key: rank for rank, hit in enumerate(hits)}
    if not order:
        return []
    found = visible_series(request).filter(pk__in=list(order))
    return sorted(found, key=lambda series: order[series.pk])


def chapters_in_order(series: Series) -> QuerySet:
    return series.chapters.select_related("volume").order_by("position", "number", "pk")
