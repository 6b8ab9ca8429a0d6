"""Ingest over the API, for operators (token auth): submit URLs, follow and cancel jobs."""

from __future__ import annotations

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response

from ingest_core.errors import IngestError
from ingest_core.lifecycle import MoveRefused
from streaming.ingest import service
from streaming.models import IngestJob, Title
from tenants.access import is_member
from tenants.request_types import SiteApiRequest


class Operator(BasePermission):
    message = "Only operators may ingest."

    def has_permission(self, request, view) -> bool:
        return is_member(request) and request.user.is_superuser


class IngestJobSerializer(serializers.ModelSerializer):
    percent = serializers.IntegerField(read_only=True, allow_null=True)
    title_slug: serializers.SlugRelatedField[Title] = serializers.SlugRelatedField(
        source="title", slug_field="slug", read_only=True
    )

    class Meta:
        model = IngestJob
        fields = [
            "id",
            "source",
            "source_name",
            "state",
            "percent",
            "bytes_done",
            "bytes_total",
            "speed_bps",
            "eta_seconds",
            "attempts",
            "error",
            "note",
            "keep_copy",
            "media_file",
            "title",
            "title_slug",
            "created_at",
            "finished_at",
        ]
        read_only_fields = fields


class IngestRequestSerializer(serializers.Serializer):
    urls = serializers.ListField(child=serializers.CharField(max_length=4000), min_length=1)
    publish = serializers.BooleanField(default=True)
    keep_copy = serializers.BooleanField(
        default=False, help_text="Ingest even content the library already has."
    )


class IngestJobViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    permission_classes = [Operator]
    serializer_class = IngestJobSerializer
    request: SiteApiRequest

    def get_queryset(self) -> QuerySet[IngestJob]:
        return IngestJob.objects.for_tenant(self.request.tenant).select_related("title")

    @extend_schema(request=IngestRequestSerializer, responses=IngestJobSerializer(many=True))
    def create(self, request: SiteApiRequest) -> Response:
        given = IngestRequestSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        try:
            jobs = service.submit_urls(
                given.validated_data["urls"],
                tenant=request.tenant,
                requested_by=request.user,
                via="api",
                publish=given.validated_data["publish"],
                keep_copy=given.validated_data["keep_copy"],
            )
        except IngestError as error:
            return Response({"detail": str(error)}, status=status.HTTP_400_BAD_REQUEST)
        data = IngestJobSerializer(jobs, many=True).data
        return Response(data, status=status.HTTP_201_CREATED)

    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk=None) -> Response:
        job = self.get_object()
        try:
            service.cancel(job)
        except MoveRefused as refused:
            # The job's state forbids it (done, failed): RFC 9110's 409, with the reason.
            return Response({"detail": str(refused)}, status=status.HTTP_409_CONFLICT)
        job.refresh_from_db()
        return Response(IngestJobSerializer(job).data)
