"""The caller's reading on this site over the API: their progress (list, most recent first;
a page saved; a chapter marked read or unread; forgotten) and their "want to read" list.
Members only, per site and per user, like StreamVault's progress and watchlist; chapters and
series load through readvault.site.access, so nothing the site hides is reached or listed."""

from __future__ import annotations

from typing import Any

from django.db.models import prefetch_related_objects
from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from readvault.api import reading_serializers as s
from readvault.api.parsers import READING_PARSERS
from readvault.api.permissions import Member, ReadVaultIncluded
from readvault.api.series import LIST_COVER_WIDTH, series_for
from readvault.models import Chapter, ReadingProgress
from readvault.pages.links import cover_urls
from readvault.reading import activity
from readvault.reading.progress import chapters_up_to, mark_read, mark_unread, record_page
from readvault.site.access import MAX_ID, get_chapter_for
from readvault.site.viewer_lists import history_for, shown_rule, want_to_read_for
from shadowvault.request_numbers import parse_bounded_int
from tenants.request_types import SiteApiRequest

NO_PROGRESS = "You have no progress in that chapter."
NOT_ON_LIST = "That series is not on your list."
CHAPTER_ID = OpenApiParameter("chapter_id", int, OpenApiParameter.PATH)
SERIES_ID = OpenApiParameter("series_id", int, OpenApiParameter.PATH)


class ProgressList(generics.ListAPIView):
    """Every chapter the caller opened on this site, most recent first."""

    permission_classes = [Member, ReadVaultIncluded]
    parser_classes = READING_PARSERS
    serializer_class = s.ReadingProgressSerializer
    request: SiteApiRequest

    def get_queryset(self) -> Any:
        return history_for(self.request)


def _progress_row(request: SiteApiRequest, chapter: Chapter) -> ReadingProgress | None:
    rows = history_for(request).filter(chapter=chapter)
    return rows.first()


def _answer(request: SiteApiRequest, chapter: Chapter) -> Response:
    row = _progress_row(request, chapter)
    if row is None:
        raise Http404(NO_PROGRESS)
    return Response(s.ReadingProgressSerializer(row).data)


@extend_schema(parameters=[CHAPTER_ID])
class ProgressDetail(generics.GenericAPIView):
    """The caller's place in one chapter: GET it, PUT or POST `{"page": N}` (0-based) to
    save it, DELETE to forget it."""

    permission_classes = [Member, ReadVaultIncluded]
    parser_classes = READING_PARSERS
    serializer_class = s.ReadingProgressSerializer
    request: SiteApiRequest

    def get(self, request: Request, chapter_id: str) -> Response:
        return _answer(self.request, get_chapter_for(self.request, chapter_id))

    @extend_schema(request=s.PageInSerializer, responses=s.ReadingProgressSerializer)
    def put(self, request: Request, chapter_id: str) -> Response:
        chapter = get_chapter_for(self.request, chapter_id)
        given = s.PageInSerializer(data=self.request.data)
        given.is_valid(raise_exception=True)
        page = given.validated_data["page"]
        last = chapter.page_count - 1
        if not 0 <= page <= last:
            detail = f"page is the 0-based index of a page of this chapter, 0 to {max(last, 0)}."
            if last < 0:
                detail = "This chapter has no pages yet."
            raise ValidationError({"page": detail})
        record_page(self.request.tenant, self.request.user, chapter, page)
        return _answer(self.request, chapter)

    @extend_schema(request=s.PageInSerializer, responses=s.ReadingProgressSerializer)
    def post(self, request: Request, chapter_id: str) -> Response:
        return self.put(request, chapter_id)

    @extend_schema(responses={204: None})
    def delete(self, request: Request, chapter_id: str) -> Response:
        chapter = get_chapter_for(self.request, chapter_id)
        if not mark_unread(self.request.tenant, self.request.user, [chapter]):
            raise Http404(NO_PROGRESS)
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema(parameters=[CHAPTER_ID])
class MarkRead(generics.GenericAPIView):
    """Mark a chapter read (its last page), and with `{"up_to": true}` every chapter before
    it in reading order too, as the series page's "read up to here"."""

    permission_classes = [Member, ReadVaultIncluded]
    parser_classes = READING_PARSERS
    serializer_class = s.MarkedSerializer
    request: SiteApiRequest

    @extend_schema(request=s.ReadInSerializer, responses=s.MarkedSerializer)
    def post(self, request: Request, chapter_id: str) -> Response:
        chapter = get_chapter_for(self.request, chapter_id)
        given = s.ReadInSerializer(data=self.request.data)
        given.is_valid(raise_exception=True)
        tenant, user = self.request.tenant, self.request.user
        if given.validated_data["up_to"]:
            chosen = chapters_up_to(chapter)
            marked = activity.mark_read_many(tenant, user, chapter.series, chosen)
        else:
            marked = mark_read(tenant, user, [chapter])
        return Response({"marked": marked})


@extend_schema(parameters=[CHAPTER_ID])
class MarkUnread(generics.GenericAPIView):
    """Forget the caller's progress in a chapter (it reads as unread again)."""

    permission_classes = [Member, ReadVaultIncluded]
    parser_classes = READING_PARSERS
    serializer_class = s.MarkedSerializer
    request: SiteApiRequest

    @extend_schema(request=None, responses=s.MarkedSerializer)
    def post(self, request: Request, chapter_id: str) -> Response:
        chapter = get_chapter_for(self.request, chapter_id)
        return Response({"marked": mark_unread(self.request.tenant, self.request.user, [chapter])})


class WantToReadList(generics.ListAPIView):
    """The caller's "want to read" list on this site, last added first; POST
    `{"series_id": N}` adds a series."""

    permission_classes = [Member, ReadVaultIncluded]
    parser_classes = READING_PARSERS
    serializer_class = s.WantToReadSerializer
    request: SiteApiRequest

    def get_queryset(self) -> Any:
        return want_to_read_for(self.request)

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        page = self.paginate_queryset(self.get_queryset()) or []
        return self.get_paginated_response(_entries(self.request, page))

    @extend_schema(request=s.WantToReadInSerializer, responses={201: s.WantToReadSerializer})
    def post(self, request: Request) -> Response:
        given = s.WantToReadInSerializer(data=self.request.data)
        given.is_valid(raise_exception=True)
        series = series_for(self.request, str(given.validated_data["series_id"]))
        activity.set_want_to_read(self.request.tenant, self.request.user, series, True)
        entry = want_to_read_for(self.request).filter(series=series)
        return Response(_entries(self.request, list(entry))[0], status=status.HTTP_201_CREATED)


def _entries(request: SiteApiRequest, entries: list) -> Any:
    series = [entry.series for entry in entries]
    prefetch_related_objects(series, "genres")
    covers = cover_urls([one.pk for one in series], request, LIST_COVER_WIDTH)
    return s.WantToReadSerializer(entries, many=True, context={"covers": covers}).data


@extend_schema(parameters=[SERIES_ID])
class WantToReadEntry(generics.GenericAPIView):
    """DELETE takes a series off the caller's list."""

    permission_classes = [Member, ReadVaultIncluded]
    parser_classes = READING_PARSERS
    serializer_class = s.WantToReadSerializer
    request: SiteApiRequest

    @extend_schema(responses={204: None})
    def delete(self, request: Request, series_id: str) -> Response:
        pk = parse_bounded_int(series_id, 1, MAX_ID)
        removed = pk is not None and activity.remove_want(
            self.request.tenant, self.request.user, pk, shown_rule(self.request)
        )
        if not removed:
            raise Http404(NOT_ON_LIST)
        return Response(status=status.HTTP_204_NO_CONTENT)
