"""The catalogue over the API: series with the /manga/ grid's filters and search, a series
with its credits, cover and chapters (with the caller's read state), and a chapter with its
pages' signed links. Every row comes through readvault.site.access, so the API and the site
answer alike: the same 404 for a series the site hid or the member's age cap keeps out.

Anyone may read, as StreamVault's titles; a signed-in stranger is refused outright."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db.models import Prefetch, prefetch_related_objects
from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from readvault.api import reading_serializers as s
from readvault.api.permissions import MemberOrReadOnly, ReadVaultIncluded
from readvault.models import (
    Chapter,
    Genre,
    PageImage,
    ReadingDirection,
    Series,
    SeriesCredit,
    WantToRead,
)
from readvault.pages.links import cover_urls, page_url
from readvault.pages.roles import reading_order
from readvault.reading.progress import progress_in, resume_point
from readvault.search.series import POOL, ranked
from readvault.site.access import MAX_ID, get_chapter_for, visible_series
from readvault.site.browse_filters import SORTS, MangaFilters, parse_manga_filters
from shadowvault.request_numbers import parse_bounded_int
from shadowvault.search_matching import Query
from tenants.access import is_member
from tenants.request_types import SiteApiRequest

LIST_COVER_WIDTH = 300  # as the grid's cards
DETAIL_COVER_WIDTH = 600  # as the series page
MAX_QUERY_LENGTH = 200
MAX_WIDTH = 10_000
NO_SUCH_SERIES = "No such series on this site."

SERIES_FILTERS = [
    OpenApiParameter("status", str, enum=list(Series.RunStatus.values)),
    OpenApiParameter("genre", str, description="genre slug"),
    OpenApiParameter("language", str, description="a language some series here is in"),
    OpenApiParameter("direction", str, enum=list(ReadingDirection.values)),
    OpenApiParameter("sort", str, enum=list(SORTS), description="list order (not with q)"),
    OpenApiParameter("q", str, description="words to look for: best matches first"),
]


def series_filters(request: SiteApiRequest) -> MangaFilters:
    """The grid's filters; a value the grid would drop is a 400 here, saying why."""
    shown = visible_series(request)
    languages = list(
        shown.exclude(language="").order_by().values_list("language", flat=True).distinct()
    )
    filters = parse_manga_filters(request.query_params, list(Genre.objects.all()), languages)
    if filters.problems:
        raise ValidationError({p.param: f"{p.said}." for p in filters.problems})
    return filters


@extend_schema(parameters=SERIES_FILTERS)
class SeriesList(generics.ListAPIView):
    """Series this site shows the caller, A to Z (or `sort`); with `q`, the best matches of
    a search (at most 100), filtered the same way."""

    permission_classes = [MemberOrReadOnly, ReadVaultIncluded]
    serializer_class = s.SeriesListSerializer
    request: SiteApiRequest

    def get_queryset(self) -> Any:
        filters = series_filters(self.request)
        series = filters.apply(visible_series(self.request))
        words = (self.request.query_params.get("q") or "").strip()[:MAX_QUERY_LENGTH]
        if not words:
            return series
        found, _ = ranked(Query.of(words), self.request.tenant, POOL)
        rank = {f.row["pk"]: place for place, f in enumerate(found)}
        matching = series.filter(pk__in=list(rank)) if rank else series.none()
        return sorted(matching, key=lambda one: rank[one.pk])

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        page = self.paginate_queryset(self.get_queryset()) or []
        prefetch_related_objects(page, "genres")
        covers = cover_urls([one.pk for one in page], self.request, LIST_COVER_WIDTH)
        body = s.SeriesListSerializer(page, many=True, context={"covers": covers}).data
        return self.get_paginated_response(body)


class SeriesDetail(generics.GenericAPIView):
    """One series: its facts, credits, genres, a signed cover, and its chapters in reading
    order with the caller's read state and where to continue."""

    permission_classes = [MemberOrReadOnly, ReadVaultIncluded]
    serializer_class = s.SeriesDetailSerializer
    request: SiteApiRequest

    @extend_schema(
        parameters=[OpenApiParameter("series_id", int, OpenApiParameter.PATH)],
    )
    def get(self, request: Request, series_id: str) -> Response:
        series = series_for(self.request, series_id)
        prefetch_related_objects([series], "genres", "tags")
        series.credit_rows = credits_of(series)  # type: ignore[attr-defined]
        chapters = list(reading_order(series.chapters.select_related("volume")))
        member = is_member(self.request)
        progress = progress_in(self.request.tenant, self.request.user, series) if member else {}
        series.chapter_rows = chapters  # type: ignore[attr-defined]
        point = resume_point(chapters, progress)
        series.resume_row = (  # type: ignore[attr-defined]
            {"chapter": point.chapter.pk, "page": point.page, "started": point.started}
            if point is not None
            else None
        )
        series.wanted = member and (  # type: ignore[attr-defined]
            WantToRead.objects.for_tenant(self.request.tenant)
            .filter(user=self.request.user, series=series)
            .exists()
        )
        covers = cover_urls([series.pk], self.request, DETAIL_COVER_WIDTH)
        context = {"covers": covers, "progress": progress}
        return Response(s.SeriesDetailSerializer(series, context=context).data)


def series_for(request: SiteApiRequest, series_id: str) -> Series:
    """A series this site shows the caller, by id, or 404 (any text is answered)."""
    pk = parse_bounded_int(series_id, 1, MAX_ID)
    series = visible_series(request).filter(pk=pk).first() if pk is not None else None
    if series is None:
        raise Http404(NO_SUCH_SERIES)
    return series


def credits_of(series: Series) -> list[dict[str, str]]:
    rows = SeriesCredit.objects.filter(series=series).select_related("person")
    return [
        {"role": credit.get_role_display(), "name": credit.person.name}
        for credit in rows.order_by("order", "role", "person__name")
    ]


@extend_schema(
    parameters=[
        OpenApiParameter("chapter_id", int, OpenApiParameter.PATH),
        OpenApiParameter(
            "width",
            int,
            description="Pixels the pages are shown at: each link names the narrowest image "
            "made at least that wide (400, 800, 1200), else the original. Without it, originals.",
        ),
    ]
)
class ChapterDetail(generics.GenericAPIView):
    """One chapter: its facts, its pages with signed links for the caller (they expire:
    `links_expire_in` seconds), the chapters before and after, and the caller's place."""

    permission_classes = [MemberOrReadOnly, ReadVaultIncluded]
    serializer_class = s.ChapterDetailSerializer
    request: SiteApiRequest

    def get(self, request: Request, chapter_id: str) -> Response:
        width = asked_width(self.request)
        chapter = get_chapter_for(self.request, chapter_id)
        pages = list(chapter.pages.order_by("index").prefetch_related(_images()))
        previous, following = around(chapter)
        row = None
        if is_member(self.request):
            row = progress_in(self.request.tenant, self.request.user, chapter.series).get(
                chapter.pk
            )
        body = {
            "chapter": chapter,
            "series": chapter.series,
            "direction": chapter.direction,
            "width": width,
            "pages": [_page(page, self.request, width) for page in pages],
            "previous": previous,
            "next": following,
            "read_state": s.read_state(row) if is_member(self.request) else None,
            "links_expire_in": settings.MEDIA_LINK_LIFETIME,
        }
        return Response(s.ChapterDetailSerializer(body).data)


def asked_width(request: SiteApiRequest) -> int | None:
    raw = request.query_params.get("width")
    if raw is None or raw == "":
        return None
    width = parse_bounded_int(raw, 1, MAX_WIDTH)
    if width is None:
        raise ValidationError({"width": f"width is a whole number of pixels, 1 to {MAX_WIDTH}."})
    return width


def _images() -> Prefetch:
    # Unordered: PageImage's default order joins the pages and chapters for nothing.
    return Prefetch("images", queryset=PageImage.objects.order_by())


def _page(page: Any, request: SiteApiRequest, width: int | None) -> dict[str, Any]:
    return {
        "index": page.index,
        "width": page.width,
        "height": page.height,
        "is_wide": page.is_wide,
        "url": page_url(page, request, width),
    }


def around(chapter: Chapter) -> tuple[int | None, int | None]:
    """The ids of the chapters before and after `chapter` in reading order (one query)."""
    ids: list[int] = list(
        reading_order(Chapter.objects.filter(series_id=chapter.series_id)).values_list(
            "pk", flat=True
        )
    )
    at = ids.index(chapter.pk)
    return (ids[at - 1] if at > 0 else None, ids[at + 1] if at + 1 < len(ids) else None)
