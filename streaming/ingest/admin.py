"""Ingest in the admin (operators): submit URLs, an upload or an import folder; follow jobs
with live progress; cancel and retry; read a job's log."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin import AdminSite
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html

from ingest_core.errors import IngestError
from ingest_core.lifecycle import MoveRefused
from shadowvault.request_numbers import parse_id_list
from streaming.ingest import service
from streaming.ingest.progress_line import eta_text, speed_text
from streaming.models import IngestJob, Title, Upload
from streaming.uploads.views import UploadCollection, UploadResource
from tenants.admin_scoping import OperatorOnlyAdmin
from tenants.request_types import tenant_of

MAX_LIVE_JOBS = 200  # more than a changelist page (list_per_page) ever shows


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


class IngestJobAdmin(OperatorOnlyAdmin):
    list_display = ("id", "source_label", "state_label", "progress", "speed", "eta", "attempts")
    list_filter = ("state", "source_kind", "tenant")
    search_fields = ("source", "source_name", "error")
    actions = ("cancel_jobs", "retry_jobs", "keep_copies")
    list_per_page = 50
    readonly_fields = [f.name for f in IngestJob._meta.fields] + ["log_tail_block"]
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

    class Media:
        js = ("js/ingest_admin.js",)
        css = {"all": ("css/ingest_admin.css",)}

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).select_related("title", "tenant")

    def get_urls(self):
        return [
            path("submit/", self.admin_site.admin_view(self.submit_view), name="ingest_submit"),
            path("live/", self.admin_site.admin_view(self.live_view), name="ingest_live"),
            # tus answers of its own (403, 404 as plain text), never the admin's login redirect.
            path("uploads/", UploadCollection.as_view(), name="ingest_uploads"),
            path("uploads/<uuid:upload_id>", UploadResource.as_view(), name="ingest_upload"),
            *super().get_urls(),
        ]

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False  # jobs are read-only records; actions act on them

    def add_view(self, request: HttpRequest, form_url: str = "", extra_context=None):
        return redirect("admin:ingest_submit")

    @admin.display(description="Source")
    def source_label(self, job: IngestJob) -> str:
        return job.source_name or job.source[:90]

    @admin.display(description="State", ordering="state")
    def state_label(self, job: IngestJob) -> str:
        return format_html(
            '<span class="ingest-state ingest-{}" data-job="{}" data-live="state" '
            'data-live-url="{}">{}</span>'
            '<div class="ingest-error" data-job="{}" data-live="error">{}</div>',
            job.state,
            job.pk,
            reverse("admin:ingest_live"),
            job.get_state_display(),
            job.pk,
            job.error or job.note,
        )

    @admin.display(description="Progress")
    def progress(self, job: IngestJob) -> str:
        percent = job.percent
        return format_html(
            '<progress max="100" {} data-job="{}" data-live="percent"></progress>',
            format_html('value="{}"', percent) if percent is not None else "",
            job.pk,
        )

    @admin.display(description="Speed")
    def speed(self, job: IngestJob) -> str:
        return format_html(
            '<span data-job="{}" data-live="speed">{}</span>', job.pk, speed_text(job)
        )

    @admin.display(description="ETA")
    def eta(self, job: IngestJob) -> str:
        return format_html('<span data-job="{}" data-live="eta">{}</span>', job.pk, eta_text(job))

    @admin.display(description="Log (last 40 lines)")
    def log_tail_block(self, job: IngestJob) -> str:
        return format_html(
            '<pre class="ingest-log" data-job="{}" data-live="log" data-live-url="{}">{}</pre>',
            job.pk,
            reverse("admin:ingest_live"),
            job.log_tail(),
        )

    @admin.action(description="Cancel selected jobs")
    def cancel_jobs(self, request: HttpRequest, queryset: QuerySet) -> None:
        """Each job the life cycle lets the operator cancel; a refusal (the job has ended) is
        a warning naming the job."""
        requested = 0
        for job in queryset:
            try:
                service.cancel(job)
                requested += 1
            except MoveRefused as refused:
                self.message_user(request, str(refused), messages.WARNING)
        if requested:
            self.message_user(request, f"Cancel requested for {requested} jobs.")

    @admin.action(description="Retry selected jobs (as new jobs)")
    def retry_jobs(self, request: HttpRequest, queryset: QuerySet) -> None:
        self._queue_again(request, queryset, service.retry, "{} jobs queued again.")

    @admin.action(description="Keep a second copy of selected jobs already in the library")
    def keep_copies(self, request: HttpRequest, queryset: QuerySet) -> None:
        done = "{} jobs queued to keep a second copy."
        self._queue_again(request, queryset, service.keep_a_copy, done)

    def _queue_again(self, request: HttpRequest, queryset: QuerySet, again, done: str) -> None:
        """Run `again` (a service call making a new job) on each job; a refusal is a
        warning naming the job, the others still go."""
        queued = 0
        for job in queryset:
            try:
                again(job)
                queued += 1
            except IngestError as error:
                self.message_user(request, f"#{job.pk}: {error}", messages.WARNING)
        if queued:
            self.message_user(request, done.format(queued))

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

    def live_view(self, request: HttpRequest) -> JsonResponse:
        """The live columns of the jobs on the page (polled by js/ingest_admin.js).

        admin_view only checks that the caller may open the admin at all (any site admin);
        this view answers only those who may see the job list, with its rows."""
        if not self.has_view_permission(request):
            return JsonResponse({"detail": "You may not follow ingest jobs."}, status=403)
        ids = parse_id_list(request.GET.get("ids"), limit=MAX_LIVE_JOBS)
        jobs = self.get_queryset(request).filter(pk__in=ids)
        return JsonResponse({"jobs": {job.pk: _live(job) for job in jobs}})


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


def _live(job: IngestJob) -> dict:
    return {
        "state": job.get_state_display(),
        "state_code": job.state,
        "percent": job.percent,
        "speed": speed_text(job),
        "eta": eta_text(job),
        "error": job.error or job.note,
        "log": job.log_tail(),
        "finished": job.is_finished,
    }


def register(site: AdminSite) -> None:
    """Called from StreamingConfig.ready()."""
    site.register(IngestJob, IngestJobAdmin)
