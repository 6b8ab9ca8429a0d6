"""Comic imports over the API, for operators: submit URLs or a folder of the import folder,
follow a job, cancel it. A job is found only on the site it was submitted on."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from ingest_core.errors import IngestError
from ingest_core.lifecycle import MoveRefused
from readvault.importing import service
from readvault.importing.progress_line import state_text
from readvault.models import ImportJob, Series
from tenants.access import is_member, is_operator
from tenants.request_types import SiteApiRequest


class Operator(BasePermission):
    """An operator signed in (or holding a token) on this site, as video's ingest API asks:
    imports fill the library every site shares."""

    message = "Only operators may import comics."

    def has_permission(self, request: Any, view: Any) -> bool:
        return is_member(request) and is_operator(request)


class ImportJobSerializer(serializers.ModelSerializer):
    percent = serializers.IntegerField(read_only=True, allow_null=True)
    state_text = serializers.SerializerMethodField(help_text="The state in a comic's words.")

    class Meta:
        model = ImportJob
        fields = [
            "id",
            "source",
            "source_kind",
            "source_name",
            "state",
            "state_text",
            "percent",
            "pages_done",
            "pages_total",
            "pages_per_second",
            "bytes_done",
            "bytes_total",
            "speed_bps",
            "eta_seconds",
            "attempts",
            "error",
            "note",
            "publish",
            "target_series",
            "series",
            "chapter",
            "created_at",
            "finished_at",
        ]
        read_only_fields = fields

    def get_state_text(self, job: ImportJob) -> str:
        return state_text(job)


class ImportRequestSerializer(serializers.Serializer):
    urls = serializers.ListField(
        child=serializers.CharField(max_length=4000),
        required=False,
        help_text="Links to archive files; a job each.",
    )
    folder = serializers.CharField(
        required=False,
        max_length=1000,
        help_text="A folder of the import folder (relative; '.' for all of it): a job per "
        "archive and per folder of images under it.",
    )
    publish = serializers.BooleanField(default=True)
    series = serializers.PrimaryKeyRelatedField(
        queryset=Series.objects.all(),
        required=False,
        allow_null=True,
        help_text="Add the chapters to this series instead of the one the names say.",
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if bool(attrs.get("urls")) == bool(attrs.get("folder")):
            raise serializers.ValidationError("Give either urls or folder.")
        return attrs


def _jobs_for(request: SiteApiRequest) -> QuerySet[ImportJob]:
    return ImportJob.objects.for_tenant(request.tenant)


class ImportJobList(generics.ListAPIView):
    """This site's import jobs, newest first; POST submits new ones."""

    permission_classes = [Operator]
    serializer_class = ImportJobSerializer
    request: SiteApiRequest

    def get_queryset(self) -> QuerySet[ImportJob]:
        return _jobs_for(self.request)

    @extend_schema(request=ImportRequestSerializer, responses={201: ImportJobSerializer(many=True)})
    def post(self, request: SiteApiRequest) -> Response:
        given = ImportRequestSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = given.validated_data
        choices = service.Choices(
            tenant=request.tenant,
            via="api",
            requested_by=request.user,
            publish=data["publish"],
            target_series=data.get("series"),
        )
        try:
            if data.get("urls"):
                jobs = service.submit_urls(data["urls"], choices)
            else:
                within = service.import_root()
                jobs = service.submit_paths([data["folder"]], choices, within=within)
        except IngestError as error:
            return Response({"detail": str(error)}, status=status.HTTP_400_BAD_REQUEST)
        body = ImportJobSerializer(jobs, many=True).data
        return Response(body, status=status.HTTP_201_CREATED)


class ImportJobDetail(generics.RetrieveAPIView):
    """One import job of this site: its state, progress and result."""

    permission_classes = [Operator]
    serializer_class = ImportJobSerializer
    request: SiteApiRequest

    def get_queryset(self) -> QuerySet[ImportJob]:
        return _jobs_for(self.request)


class ImportJobCancel(APIView):
    """Cancel a job: a queued one ends now, a running one at its next progress report."""

    permission_classes = [Operator]
    request: SiteApiRequest

    @extend_schema(request=None, responses={200: ImportJobSerializer, 409: None})
    def post(self, request: Request, pk: str) -> Response:
        job = generics.get_object_or_404(_jobs_for(self.request), pk=pk)
        try:
            service.cancel(job)
        except MoveRefused as refused:
            # The job's state forbids it (done, failed): RFC 9110's 409, with the reason.
            return Response({"detail": str(refused)}, status=status.HTTP_409_CONFLICT)
        job.refresh_from_db()
        return Response(ImportJobSerializer(job).data)
