"""The JSON API of one site (the request's host). Views parse, call a service, serialize.

Every object and list comes from streaming.site.access, and the title filters are the browse
page's (streaming.site.browse_filters): the API and the site answer alike, the same 404 for
a title the site hid, the same titles for the same filters."""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured
from django.db.models import Prefetch, QuerySet, prefetch_related_objects
from django.http import Http404
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
from streaming.models import Comment, Credit, Title, WatchlistEntry
from streaming.site import access
from streaming.site.browse_filters import SORTS, BrowseFilters, parse_browse_filters
from streaming.viewer import activity, comments
from tenants.request_types import SiteApiRequest

MAX_QUERY_LENGTH = 200
MAX_PAGE = 99_999  # far past the last page of any search (search_titles bounds the offset)

TITLE_FILTERS = [
    OpenApiParameter("kind", str, enum=list(Title.Kind.values)),
    OpenApiParameter("genre", str, description="genre slug (an unknown one matches nothing)"),
    OpenApiParameter("year", int),
    OpenApiParameter("year_from", int),
    OpenApiParameter("year_to", int),
    OpenApiParameter("sort", str, enum=list(SORTS), description="list order (not search)"),
    OpenApiParameter("q", str, description="words to look for (search endpoint)"),
]


def title_filters(request: Request) -> BrowseFilters:
    """The browse page's filters; a value the page would drop is a 400 here, with why."""
    filters = parse_browse_filters(request.query_params)
    if filters.problems:
        raise ValidationError({p.param: p.for_client for p in filters.problems})
    return filters


@extend_schema(parameters=TITLE_FILTERS)
class TitleViewSet(viewsets.ReadOnlyModelViewSet):
    """Titles this site shows: list with filters, detail, search, seasons, comments."""

    serializer_class = s.TitleListSerializer
    request: SiteApiRequest

    def get_queryset(self) -> QuerySet[Title]:
        titles = access.browse_titles(self.request, title_filters(self.request))
        return titles.prefetch_related("genres")

    def get_object(self) -> Title:
        title = access.get_title_by_id_for(self.request, self.kwargs["pk"])
        self.check_object_permissions(self.request, title)
        prefetch_related_objects(
            [title],
            "genres",
            Prefetch("media_files", queryset=access.versions()),
            Prefetch("credits", queryset=Credit.objects.select_related("person")),
            "seasons",
        )
        return title

    def get_serializer_class(self):
        return s.TitleDetailSerializer if self.action == "retrieve" else s.TitleListSerializer

    @action(detail=False)
    def search(self, request: SiteApiRequest) -> Response:
        """Words, prefixes and typos (see streaming.search); filters as for the list."""
        page = parse_bounded_int(request.query_params.get("page"), 1, MAX_PAGE) or 1
        size = api_settings.PAGE_SIZE
        if size is None:  # DRF's default: no pages. shadowvault.settings sets one.
            raise ImproperlyConfigured("REST_FRAMEWORK['PAGE_SIZE'] must be set: search pages.")
        result = access.search_for(
            request,
            (request.query_params.get("q") or "")[:MAX_QUERY_LENGTH],
            title_filters(request),
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
    def seasons(self, request: SiteApiRequest, pk: str) -> Response:
        seasons = access.seasons_of(access.get_title_by_id_for(request, pk))
        return Response(s.SeasonSerializer(seasons, many=True, context={"request": request}).data)

    @extend_schema(request=s.CommentInSerializer, responses=s.CommentSerializer(many=True))
    @action(detail=True, methods=["get", "post"])
    def comments(self, request: SiteApiRequest, pk: str) -> Response:
        # Posting needs membership: the default permission (SiteMemberOrReadOnly) says so.
        title = access.get_title_by_id_for(request, pk)
        if request.method == "POST":
            return _post_comment(request, title)
        page = self.paginate_queryset(comments.thread(request.tenant, title))
        return self.get_paginated_response(s.CommentSerializer(page, many=True).data)


def _post_comment(request: SiteApiRequest, title: Title) -> Response:
    data = s.CommentInSerializer(data=request.data)
    data.is_valid(raise_exception=True)
    try:
        comment = comments.submit_comment(
            request.tenant,
            request.user,
            title,
            data.validated_data["body"],
            data.validated_data.get("parent"),
        )
    except comments.CommentRejected as exc:
        return Response({"detail": str(exc)}, status=status.HTTP_400_BAD_REQUEST)
    return Response(s.CommentSerializer(comment).data, status=status.HTTP_201_CREATED)


class CommentReportViewSet(viewsets.GenericViewSet):
    permission_classes = [SiteMember]
    serializer_class = s.CommentSerializer
    request: SiteApiRequest

    def get_queryset(self) -> QuerySet[Comment]:
        return Comment.objects.for_tenant(self.request.tenant).shown()

    @extend_schema(request=s.ReportInSerializer, responses={204: None})
    @action(detail=True, methods=["post"])
    def report(self, request: SiteApiRequest, pk: str) -> Response:
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
    def create(self, request: SiteApiRequest) -> Response:
        data = s.ProgressInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        media = access.get_media_for(request, data.validated_data["media_file"])
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
    def continue_watching(self, request: SiteApiRequest) -> Response:
        rows = access.continue_watching_for(request)
        return Response(s.ProgressSerializer(rows, many=True).data)

    @action(detail=False)
    def history(self, request: SiteApiRequest) -> Response:
        rows = access.history_for(request)
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
    request: SiteApiRequest

    def get_queryset(self) -> QuerySet[WatchlistEntry]:
        # The visible rule on the joined title rows (access.watchlist_for), not
        # `title__in=<every visible title>`: one page, whatever the catalogue's size.
        return access.watchlist_for(self.request).prefetch_related("title__genres")

    def create(self, request: Request) -> Response:
        request = self.request  # the same request, declared this site's (SiteApiRequest) above
        data = s.WatchlistSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        title = access.get_title_by_id_for(request, data.validated_data["title_id"])
        activity.set_on_watchlist(request.tenant, request.user, title, True)
        entry = self.get_queryset().get(title=title)
        return Response(s.WatchlistSerializer(entry).data, status=status.HTTP_201_CREATED)

    def destroy(self, request: Request, title_id: str) -> Response:
        """The site's way off the list (activity.remove_from_watchlist), by the title's id."""
        request = self.request  # as in create
        pk = parse_bounded_int(title_id, 1, access.MAX_ID)
        if pk is None or not activity.remove_from_watchlist(request.tenant, request.user, pk):
            raise Http404("That title is not on your watchlist.")
        return Response(status=status.HTTP_204_NO_CONTENT)
