"""The JSON API of one site (the request's host). Views parse, call a service, serialize."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet, prefetch_related_objects
from django.http import Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.settings import api_settings

from shadowvault.request_numbers import parse_bounded_int
from streaming.api import serializers as s
from streaming.api.permissions import SiteMember
from streaming.models import Comment, Credit, Episode, MediaFile, Season, Title, WatchlistEntry
from streaming.search import search_titles
from streaming.viewer import activity, comments

MAX_QUERY_LENGTH = 200
MAX_ID = 2**63 - 1  # a 64-bit key: larger numbers overflow the database's integer
MAX_PAGE = 99_999  # far past the last page of any search (search_titles bounds the offset)

TITLE_FILTERS = [
    OpenApiParameter("kind", str, enum=["film", "series"]),
    OpenApiParameter("genre", str, description="genre slug"),
    OpenApiParameter("year_from", int),
    OpenApiParameter("year_to", int),
    OpenApiParameter("q", str, description="words to look for (search endpoint)"),
]


def visible_titles(request: Request) -> QuerySet[Title]:
    return Title.objects.visible_on(request.tenant)


def visible_title_or_404(request: Request, pk: str) -> Title:
    """The title in the URL (`titles/<pk>/...`; the router takes any text there) or a 404."""
    title_id = parse_bounded_int(pk, 1, MAX_ID)
    if title_id is None:
        raise Http404("No such title.")
    return get_object_or_404(visible_titles(request), pk=title_id)


def visible_media(request: Request) -> QuerySet[MediaFile]:
    return MediaFile.objects.visible_on(request.tenant).select_related("stored")


def _int_param(request: Request, name: str) -> int | None:
    raw = request.query_params.get(name)
    if raw in (None, ""):
        return None
    year = parse_bounded_int(raw, 0, 9999)
    if year is None:
        raise ValidationError({name: "Give a year as four digits."})
    return year


@extend_schema(parameters=TITLE_FILTERS)
class TitleViewSet(viewsets.ReadOnlyModelViewSet):
    """Titles this site shows: list with filters, detail, search, seasons, comments."""

    serializer_class = s.TitleListSerializer

    def get_queryset(self) -> QuerySet[Title]:
        titles = visible_titles(self.request).prefetch_related("genres")
        if self.action == "retrieve":
            titles = titles.prefetch_related(
                Prefetch("media_files", queryset=visible_media(self.request)),
                Prefetch("credits", queryset=Credit.objects.select_related("person")),
                "seasons",
            )
        return self._filtered(titles).order_by("-created_at", "pk")

    def _filtered(self, titles: QuerySet[Title]) -> QuerySet[Title]:
        params = self.request.query_params
        if kind := params.get("kind"):
            if kind not in Title.Kind.values:
                raise ValidationError({"kind": "Use film or series."})
            titles = titles.filter(kind=kind)
        if genre := params.get("genre"):
            titles = titles.filter(genres__slug=genre[:60])
        if (year_from := _int_param(self.request, "year_from")) is not None:
            titles = titles.filter(year__gte=year_from)
        if (year_to := _int_param(self.request, "year_to")) is not None:
            titles = titles.filter(year__lte=year_to)
        return titles

    def get_serializer_class(self):
        return s.TitleDetailSerializer if self.action == "retrieve" else s.TitleListSerializer

    @action(detail=False)
    def search(self, request: Request) -> Response:
        """Words, prefixes and typos (see streaming.search); filters as for the list."""
        params = request.query_params
        page = parse_bounded_int(params.get("page"), 1, MAX_PAGE) or 1
        size = api_settings.PAGE_SIZE
        result = search_titles(
            (params.get("q") or "")[:MAX_QUERY_LENGTH],
            request.tenant,
            kind=params.get("kind") or None,
            genre=params.get("genre") or None,
            year_from=_int_param(request, "year_from"),
            year_to=_int_param(request, "year_to"),
            limit=size,
            offset=(page - 1) * size,
        )
        prefetch_related_objects(result.titles, "genres")
        return Response(
            {
                "count": result.total,
                "count_is_capped": result.total_is_capped,
                "corrected_query": result.corrected_query,
                "results": s.TitleListSerializer(result.titles, many=True).data,
            }
        )

    @extend_schema(responses=s.SeasonSerializer(many=True))
    @action(detail=True)
    def seasons(self, request: Request, pk: str) -> Response:
        title = visible_title_or_404(request, pk)
        episodes = Episode.objects.prefetch_related(
            Prefetch("media_files", queryset=visible_media(request))
        )
        seasons = Season.objects.filter(title=title).prefetch_related(
            Prefetch("episodes", queryset=episodes)
        )
        return Response(s.SeasonSerializer(seasons, many=True, context={"request": request}).data)

    @extend_schema(request=s.CommentInSerializer, responses=s.CommentSerializer(many=True))
    @action(detail=True, methods=["get", "post"])
    def comments(self, request: Request, pk: str) -> Response:
        title = visible_title_or_404(request, pk)
        if request.method == "POST":
            return _post_comment(request, title)
        shown = Comment.objects.for_tenant(request.tenant).shown()
        top = (
            shown.filter(title=title, parent=None)
            .select_related("user")
            .prefetch_related(Prefetch("replies", queryset=shown.select_related("user")))
        )
        page = self.paginate_queryset(top)
        return self.get_paginated_response(s.CommentSerializer(page, many=True).data)


def _post_comment(request: Request, title: Title) -> Response:
    if not SiteMember().has_permission(request, None):
        return Response({"detail": SiteMember.message}, status=status.HTTP_403_FORBIDDEN)
    data = s.CommentInSerializer(data=request.data)
    data.is_valid(raise_exception=True)
    parent = None
    if parent_id := data.validated_data.get("parent"):
        parent = get_object_or_404(Comment.objects.for_tenant(request.tenant), pk=parent_id)
    try:
        comment = comments.post_comment(
            request.tenant, request.user, title, data.validated_data["body"], parent
        )
    except comments.CommentRejected as exc:
        return Response({"detail": str(exc)}, status=status.HTTP_400_BAD_REQUEST)
    return Response(s.CommentSerializer(comment).data, status=status.HTTP_201_CREATED)


class CommentReportViewSet(viewsets.GenericViewSet):
    permission_classes = [SiteMember]
    serializer_class = s.CommentSerializer

    def get_queryset(self) -> QuerySet[Comment]:
        return Comment.objects.for_tenant(self.request.tenant).shown()

    @extend_schema(request=s.ReportInSerializer, responses={204: None})
    @action(detail=True, methods=["post"])
    def report(self, request: Request, pk: str) -> Response:
        comment = self.get_object()
        data = s.ReportInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        comments.report_comment(
            request.tenant, request.user, comment, data.validated_data["reason"]
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


class ProgressViewSet(viewsets.GenericViewSet):
    """Save a playback position; list what to continue and the viewing history."""

    permission_classes = [SiteMember]
    serializer_class = s.ProgressSerializer

    @extend_schema(request=s.ProgressInSerializer, responses=s.ProgressSerializer)
    def create(self, request: Request) -> Response:
        data = s.ProgressInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        media = get_object_or_404(visible_media(request), pk=data.validated_data["media_file"])
        try:
            progress = activity.record_progress(
                request.tenant,
                request.user,
                media,
                data.validated_data["position"],
                data.validated_data.get("duration"),
            )
        except activity.ProgressRejected as exc:
            return Response({"detail": str(exc)}, status=status.HTTP_400_BAD_REQUEST)
        return Response(s.ProgressSerializer(progress).data, status=status.HTTP_200_OK)

    @action(detail=False, url_path="continue")
    def continue_watching(self, request: Request) -> Response:
        rows = activity.continue_watching(request.tenant, request.user)
        return Response(s.ProgressSerializer(rows, many=True).data)

    @action(detail=False)
    def history(self, request: Request) -> Response:
        rows = activity.history(request.tenant, request.user)
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(s.ProgressSerializer(page, many=True).data)


class WatchlistViewSet(
    mixins.ListModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """The signed-in viewer's watchlist on this site; DELETE /watchlist/<title id>/."""

    permission_classes = [SiteMember]
    serializer_class = s.WatchlistSerializer
    lookup_field = "title_id"

    def get_queryset(self) -> QuerySet[WatchlistEntry]:
        entries = WatchlistEntry.objects.for_tenant(self.request.tenant)
        entries = entries.filter(user=self.request.user, title__in=visible_titles(self.request))
        return entries.select_related("title").prefetch_related("title__genres")

    def create(self, request: Request) -> Response:
        data = s.WatchlistSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        title = get_object_or_404(visible_titles(request), pk=data.validated_data["title_id"])
        activity.set_on_watchlist(request.tenant, request.user, title, True)
        entry = self.get_queryset().get(title=title)
        return Response(s.WatchlistSerializer(entry).data, status=status.HTTP_201_CREATED)

    def perform_destroy(self, instance: WatchlistEntry) -> None:
        activity.set_on_watchlist(self.request.tenant, self.request.user, instance.title, False)
