"""Fetch a catalogue object or list for the request's site and check the viewer's right in
one step, for the site's pages and the JSON API alike (the API is the same site's other
face: same host, same tenant, same members).

Every loader applies the one visibility rule (`streaming.models.catalogue.visible_rule`)
the way its docstring asks, on the joined rows: a title the site hid answers the same 404 as
no title at all, on a page and in the API. Member-only lists refuse anyone else here too,
whatever the view checked before.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, QuerySet
from django.http import Http404

from shadowvault.request_numbers import parse_bounded_int
from streaming.models import (
    Episode,
    Genre,
    MediaFile,
    Season,
    Title,
    WatchlistEntry,
    WatchProgress,
)
from streaming.models.catalogue import TitleQuerySet
from streaming.search import SearchResult, search_titles
from streaming.site.browse_filters import BrowseFilters
from streaming.viewer import activity
from tenants.access import is_member
from tenants.request_types import SiteRequest

NO_SUCH_TITLE = "No such title on this site."
NO_SUCH_VIDEO = "No such video on this site."
MEMBERS_ONLY = "Sign in as a member of this site to do that."
MAX_ID = 2**63 - 1  # a 64-bit key: larger numbers overflow the database's integer


# --- one object ---------------------------------------------------------------------------


def get_title_for(request: SiteRequest, slug: str) -> Title:
    """A title this site shows, by its slug (the site's URLs), or 404."""
    return _one_title(request, slug=slug)


def get_title_by_id_for(request: SiteRequest, title_id: int | str) -> Title:
    """A title this site shows, by its id (the API's URLs, which carry any text), or 404."""
    pk = _bounded_id(title_id)
    if pk is None:
        raise Http404(NO_SUCH_TITLE)
    return _one_title(request, pk=pk)


def _one_title(request: SiteRequest, **lookup) -> Title:
    # Drafts and titles the site hid look like no title: the same message either way.
    title = visible_titles(request).filter(**lookup).first()
    if title is None:
        raise Http404(NO_SUCH_TITLE)
    return title


def get_media_for(request: SiteRequest, media_id: int | str) -> MediaFile:
    """A playable file of a title this site shows, with what the player page names, the
    stored object its link is made from and the seek-preview sprite and track."""
    pk = _bounded_id(media_id)
    media = (
        MediaFile.objects.visible_on(request.tenant)
        .select_related("stored", "title", "episode__season__title", "sprite", "thumbnails")
        .filter(pk=pk)
        .first()
        if pk is not None
        else None
    )
    if media is None:
        raise Http404(NO_SUCH_VIDEO)
    return media


def _bounded_id(raw: int | str) -> int | None:
    if isinstance(raw, int):
        return raw if 1 <= raw <= MAX_ID else None
    return parse_bounded_int(raw, 1, MAX_ID)


# --- what an object holds (callers pass an object a loader above returned) -----------------


def versions() -> QuerySet[MediaFile]:
    """Media files best first (`MediaFile.objects.best_first`), with the stored object a
    signed link is made from; filter it to one film or episode, or prefetch with it."""
    return MediaFile.objects.best_first().select_related("stored")


def versions_of(media: MediaFile) -> QuerySet[MediaFile]:
    """Every version of the film or episode `media` is a version of, best first."""
    # The fields, not their `_id` columns: django-stubs takes None (IS NULL) only there.
    return versions().filter(title=media.title_id, episode=media.episode_id)


def seasons_of(title: Title) -> QuerySet[Season]:
    """A shown title's seasons, each with its episodes and their versions best first: three
    queries however big the series. The title passed the rule, so its files pass it too."""
    episodes = Episode.objects.prefetch_related(Prefetch("media_files", queryset=versions()))
    return Season.objects.filter(title=title).prefetch_related(
        Prefetch("episodes", queryset=episodes)
    )


# --- lists --------------------------------------------------------------------------------


def visible_titles(request: SiteRequest) -> TitleQuerySet:
    return Title.objects.visible_on(request.tenant)


def browse_titles(request: SiteRequest, filters: BrowseFilters) -> QuerySet[Title]:
    """The titles this site shows, filtered and ordered as `filters` say (browse_filters)."""
    return filters.apply(visible_titles(request))


def search_for(
    request: SiteRequest,
    query: str,
    filters: BrowseFilters | None = None,
    *,
    limit: int,
    offset: int = 0,
) -> SearchResult:
    """One page of the titles this site shows that match `query` (streaming.search), within
    `filters` (their order aside: search ranks by relevance)."""
    filters = filters or BrowseFilters()
    genre = filters.genre.slug if isinstance(filters.genre, Genre) else filters.genre
    return search_titles(
        query,
        request.tenant,
        kind=filters.kind or None,
        genre=genre or None,
        year_from=filters.year if filters.year is not None else filters.year_from,
        year_to=filters.year if filters.year is not None else filters.year_to,
        limit=limit,
        offset=offset,
    )


def watchlist_for(request: SiteRequest) -> QuerySet[WatchlistEntry]:
    """The member's watchlist here, last added first, titles this site shows only."""
    return activity.watchlist(request.tenant, _member(request))


def history_for(request: SiteRequest) -> QuerySet[WatchProgress]:
    """Everything the member played here, most recent first, files this site shows only."""
    return activity.history(request.tenant, _member(request))


def continue_watching_for(request: SiteRequest, limit: int = 20) -> list[WatchProgress]:
    """The member's files in progress here (activity.in_progress_rule), last played first."""
    return activity.continue_watching(request.tenant, _member(request), limit)


def _member(request: SiteRequest):
    if not is_member(request):
        raise PermissionDenied(MEMBERS_ONLY)
    return request.user
