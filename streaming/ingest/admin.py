"""Ingest in the admin (operators): submit URLs, an upload or an import folder; follow jobs
with live progress; cancel and retry; read a job's log."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.conf import settings
from django.contrib import admin
from django.contrib.admin import AdminSite
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path
from django.utils import timezone

from ingest_core.errors import IngestError
from ingest_core.job_admin import JobAdmin
from streaming.ingest import service
from streaming.ingest.progress_line import speed_text
from streaming.models import IngestJob, Title, Upload
from streaming.uploads.views import UploadCollection, UploadResource
from tenants.request_types import tenant_of


class SubmitForm(forms.Form):
    urls = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 5, "cols": 90, "placeholder": "https://…"}),
        help_text="One URL per line: direct video links or pages with a video (yt-dlp).",
    )
    upload = forms.FileField(required=False, help_text="Or upload one video file.")
    folder = forms.ChoiceField(
        required=False, help_text="Or import every video under a folder of the import directory."
    )
    target_title = forms.ModelChoiceField(
        Title.objects.all(),
        required=False,
        help_text="Attach to this title instead of guessing from the name (optional).",
    )
    publish = forms.BooleanField(required=False, initial=True, help_text="Publish when ready.")
    keep_copy = forms.BooleanField(
        required=False,
        label="Keep a second copy",
        help_text="Ingest even a file the library already has (otherwise such a job ends as "
        "“already in the library”, naming the version).",
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        folders = service.import_folders()
        folder = cast(forms.ChoiceField, self.fields["folder"])  # declared above
        folder.choices = [("", "—")] + [
            (f or ".", f or "(the whole import folder)") for f in folders
        ]

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data  # what Form.clean returns
        given = [data.get("urls", "").strip(), data.get("upload"), data.get("folder")]
        if sum(1 for value in given if value) != 1:
            raise forms.ValidationError("Give URLs, a file or a folder (one of the three).")
        return data


class IngestJobAdmin(JobAdmin[IngestJob]):
    """The job list and its live columns are every vault's (`ingest_core.job_admin`); here
    are the submit page (URLs, a resumable upload, a folder) and "keep a second copy"."""

    submit_url_name = "ingest_submit"
    live_url_name = "ingest_live"
    list_display = ("id", "source_label", "state_label", "progress", "speed", "eta", "attempts")
    actions = ("cancel_jobs", "retry_jobs", "keep_copies")
    fieldsets = (
        (
            None,
            {"fields": ("state", "error", "note", "source", "source_name", "title", "media_file")},
        ),
        ("Progress", {"fields": ("bytes_done", "bytes_total", "speed_bps", "eta_seconds")}),
        ("Log", {"fields": ("log_tail_block",)}),
        (
            "Details",
            {
                "classes": ("collapse",),
                "fields": (
                    "tenant", "requested_by", "via", "source_kind", "publish", "target_title",
                    "keep_copy",
                    "attempts", "worker", "heartbeat_at", "cancel_requested",
                    "created_at", "started_at", "finished_at",
                ),
            },
        ),
    )  # fmt: skip

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).select_related("title", "tenant")

    def own_urls(self) -> list[URLPattern]:
        # tus answers of its own (403, 404 as plain text), never the admin's login redirect.
        return [
            path("uploads/", UploadCollection.as_view(), name="ingest_uploads"),
            path("uploads/<uuid:upload_id>", UploadResource.as_view(), name="ingest_upload"),
        ]

    def speed_text(self, job: IngestJob) -> str:
        return speed_text(job)

    def retry_job(self, job: IngestJob) -> IngestJob:
        return service.retry(job)

    @admin.action(description="Keep a second copy of selected jobs already in the library")
    def keep_copies(self, request: HttpRequest, queryset: QuerySet) -> None:
        done = "{} jobs queued to keep a second copy."
        self.queue_again(request, queryset, service.keep_a_copy, done)

    def submit_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_add_permission(request):
            return redirect("admin:index")
        posted = request.method == "POST"
        form = SubmitForm(request.POST, request.FILES) if posted else SubmitForm()
        if posted and form.is_valid():
            try:
                jobs = _submit(request, form.cleaned_data)
            except IngestError as error:
                form.add_error(None, str(error))
            else:
                self.message_user(request, f"{len(jobs)} ingest jobs queued.")
                return redirect("admin:streaming_ingestjob_changelist")
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "Ingest videos",
            "form": form,
            "media": self.media + form.media,
            **_uploader_context(request),
        }
        return TemplateResponse(request, "admin/streaming/ingestjob/submit.html", context)


def _submit(request: HttpRequest, data: dict) -> list[IngestJob]:
    common = {
        "tenant": tenant_of(request),
        "requested_by": request.user,
        "publish": data["publish"],
        "keep_copy": data.get("keep_copy", False),
    }
    if data.get("upload"):
        return [service.submit_upload(data["upload"], target_title=data["target_title"], **common)]
    if data.get("folder"):
        folder = "" if data["folder"] == "." else data["folder"]
        return service.submit_paths(
            [folder or "."], via="folder", within=service.import_root(), **common
        )
    return service.submit_urls(
        data["urls"].splitlines(), via="admin", target_title=data["target_title"], **common
    )


def _uploader_context(request: HttpRequest) -> dict:
    """What the resumable uploader shows: the operator's unfinished uploads on this site
    (after a reload, choosing the same file again resumes one)."""
    unfinished = (
        Upload.objects.for_tenant(tenant_of(request)).receiving().filter(owner=request.user)
    )
    return {
        "unfinished_uploads": unfinished.filter(expires_at__gt=timezone.now())[:50],
        "upload_expiry_hours": settings.INGEST_UPLOAD_EXPIRY_HOURS,
        "upload_max_bytes": settings.INGEST_UPLOAD_MAX_BYTES,
        "video_suffixes": ",".join(sorted(service.VIDEO_SUFFIXES)),
    }


def register(site: AdminSite) -> None:
    """Called from StreamingConfig.ready()."""
    site.register(IngestJob, IngestJobAdmin)
