"""What the addon lists and plays for a viewer: the site's own loaders and rules
(streaming.site.access, the visibility rule, the plan's quality cap), never a query of its
own that could see more. Views call these and hand the rows to stremio.serializers."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Prefetch, Q, prefetch_related_objects
from django.http import Http404

from streaming.models import Episode, Genre, MediaFile, Season, Subtitle, Title
from streaming.site.access import (
    NO_SUCH_TITLE,
    browse_titles,
    search_for,
    seasons_of,
    versions,
    visible_titles,
)
from streaming.site.browse_filters import BrowseFilters
from streaming.site.quality_cap import height_rule
from stremio.extra_args import PAGE_SIZE, CatalogExtra
from stremio.ids import VideoRef
from tenants.entitlements import entitlements_for
from tenants.request_types import SiteRequest

# Stremio's content types and the catalogue's kinds.
KIND_OF_TYPE = {"movie": Title.Kind.FILM, "series": Title.Kind.SERIES}
TYPE_OF_KIND = {kind: stremio_type for stremio_type, kind in KIND_OF_TYPE.items()}
NO_SUCH_EPISODE = "No such episode on this site."


def site_genres(request: SiteRequest) -> list[Genre]:
    """The genres of at least one title the site shows: the catalogs' genre options."""
    shown = visible_titles(request).filter(genres=OuterRef("pk"))
    return list(Genre.objects.filter(Exists(shown)))


def catalog_page(request: SiteRequest, kind: str, extra: CatalogExtra) -> list[Title]:
    """One page (PAGE_SIZE) of the site's films or series, newest first, or the best matches
    of `extra.search`; from `extra.skip` on. Constant queries: the titles, their genres."""
    genre: Genre | None = None
    if extra.genre:
        genre = Genre.objects.filter(Q(name__iexact=extra.genre) | Q(slug=extra.genre)).first()
        if genre is None:  # not one of the manifest's options: nothing is in it
            return []
    filters = BrowseFilters(kind=kind, genre=genre)
    if extra.search:
        found = search_for(request, extra.search, filters, limit=PAGE_SIZE, offset=extra.skip)
        titles = found.titles
    else:
        titles = list(browse_titles(request, filters)[extra.skip : extra.skip + PAGE_SIZE])
    prefetch_related_objects(titles, "genres")
    return titles


def title_for(request: SiteRequest, ref: VideoRef, kind: str) -> Title:
    """The title of `kind` an id names, if this site shows it; else Http404."""
    titles = visible_titles(request).filter(kind=kind)
    if ref.imdb_id is not None:
        # Two titles may share an IMDb id (a slip in metadata): the oldest answers, always.
        title = titles.filter(imdb_id=ref.imdb_id).order_by("pk").first()
    else:
        title = titles.filter(pk=ref.title_pk).first()
    if title is None:
        raise Http404(NO_SUCH_TITLE)
    return title


def seasons_for(title: Title) -> list[Season]:
    """The series' seasons with their episodes and versions (three queries)."""
    return list(seasons_of(title))


def playable_versions(request: SiteRequest, title: Title, ref: VideoRef) -> list[MediaFile]:
    """The versions of the film, or of the episode `ref` names, that the viewer's plan lets
    them play (streaming.site.quality_cap), best first, with their subtitles. Versions with
    no stored file yet (a progressive rendition still being made) have no link to give."""
    allowed = entitlements_for(request)
    found = versions().filter(height_rule(allowed.max_height), stored__isnull=False)
    if ref.season is not None and ref.episode is not None:
        episode = Episode.objects.filter(
            season__title=title, season__number=ref.season, number=ref.episode
        ).first()
        if episode is None:
            raise Http404(NO_SUCH_EPISODE)
        found = found.filter(episode=episode)
    else:
        found = found.filter(title=title)
    tracks = Subtitle.objects.select_related("stored").order_by("language", "pk")
    return list(found.prefetch_related(Prefetch("subtitles", queryset=tracks)))
