"""Comic imports in the admin (operators): an "Import comics" page (many files at once, a
folder of the import folder, URLs one per line), the job list with live state, progress,
speed and ETA, a job's log; cancel and retry."""

from __future__ import annotations

from dataclasses import replace
from typing import Any, cast

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import AdminSite
from django.core.files.uploadedfile import UploadedFile
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html

from ingest_core.errors import IngestError
from ingest_core.lifecycle import MoveRefused
from readvault.importing import service
from readvault.importing.progress_line import eta_text, speed_text, state_text
from readvault.metadata.names import ARCHIVE_SUFFIXES
from readvault.models import ImportJob, Series
from shadowvault.request_numbers import parse_id_list
from tenants.admin_scoping import OperatorOnlyAdmin
from tenants.request_types import SiteRequest

MAX_LIVE_JOBS = 200  # more than a changelist page (list_per_page) ever shows


class ManyFilesInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class ManyFilesField(forms.FileField):
    """Any number of files from one <input multiple> (Django's documented recipe)."""

    widget = ManyFilesInput

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        given = data if isinstance(data, list | tuple) else [data]
        return [super(ManyFilesField, self).clean(one, initial) for one in given if one]


class ImportForm(forms.Form):
    archives = ManyFilesField(
        required=False,
        widget=ManyFilesInput(attrs={"accept": ",".join(ARCHIVE_SUFFIXES)}),
        help_text="Comic archives ("
        + ", ".join(ARCHIVE_SUFFIXES)
        + "), as many as you like: a chapter each.",
    )
    folder = forms.ChoiceField(
        required=False,
        help_text="Or a folder of the import folder: a series per top folder, every archive "
        "and every folder of images under it a chapter.",
    )
    urls = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 5, "cols": 90, "placeholder": "https://…"}),
        help_text="Or links to archive files, one per line.",
    )
    target_series = forms.ModelChoiceField(
        Series.objects.all(),
        required=False,
        help_text="Add the chapters to this series instead of the one their names say.",
    )
    publish = forms.BooleanField(required=False, initial=True, help_text="Publish when ready.")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        folder = cast(forms.ChoiceField, self.fields["folder"])  # declared above
        folder.choices = [("", "—")] + [
            (f or ".", f or "(the whole import folder)") for f in service.import_folders()
        ]

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        given = [data.get("archives"), data.get("folder"), data.get("urls", "").strip()]
        if sum(1 for value in given if value) != 1:
            raise forms.ValidationError("Give archives, a folder or URLs (one of the three).")
        return data


class ImportJobAdmin(OperatorOnlyAdmin):
    list_display = (
        "id", "source_label", "state_label", "progress", "speed", "eta", "attempts", "series",
    )  # fmt: skip
    list_filter = ("state", "source_kind", "tenant")
    search_fields = ("source", "source_name", "error")
    actions = ("cancel_jobs", "retry_jobs")
    list_per_page = 50
    readonly_fields = [f.name for f in ImportJob._meta.fields] + ["log_tail_block"]
    fieldsets = (
        (
            None,
            {"fields": ("state", "error", "note", "source", "source_name", "series", "chapter")},
        ),
        (
            "Progress",
            {
                "fields": (
                    "pages_done", "pages_total", "pages_per_second", "bytes_done", "bytes_total",
                    "speed_bps", "eta_seconds",
                )
            },
        ),
        ("Log", {"fields": ("log_tail_block",)}),
        (
            "Details",
            {
                "classes": ("collapse",),
                "fields": (
                    "tenant", "requested_by", "via", "source_kind", "publish", "target_series",
                    "source_sha256", "attempts", "worker", "heartbeat_at", "cancel_requested",
                    "created_at", "started_at", "finished_at",
                ),
            },
        ),
    )  # fmt: skip

    class Media:
        # Video's live-progress script and styles fit any job list with these data attributes.
        js = ("js/ingest_admin.js",)
        css = {"all": ("css/ingest_admin.css",)}

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).select_related("series", "tenant")

    def get_urls(self) -> list:
        view = self.admin_site.admin_view
        return [
            path("submit/", view(self.submit_view), name="comic_import_submit"),
            path("live/", view(self.live_view), name="comic_import_live"),
            *super().get_urls(),
        ]

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False  # jobs are read-only records; actions act on them

    def add_view(
        self, request: HttpRequest, form_url: str = "", extra_context: dict | None = None
    ) -> HttpResponse:
        return redirect("admin:comic_import_submit")

    @admin.display(description="Source")
    def source_label(self, job: ImportJob) -> str:
        return job.source_name or job.source[:90]

    @admin.display(description="State", ordering="state")
    def state_label(self, job: ImportJob) -> str:
        return format_html(
            '<span class="ingest-state ingest-{}" data-job="{}" data-live="state" '
            'data-live-url="{}">{}</span>'
            '<div class="ingest-error" data-job="{}" data-live="error">{}</div>',
            job.state,
            job.pk,
            reverse("admin:comic_import_live"),
            state_text(job),
            job.pk,
            job.error or job.note,
        )

    @admin.display(description="Progress")
    def progress(self, job: ImportJob) -> str:
        percent = job.percent
        return format_html(
            '<progress max="100" {} data-job="{}" data-live="percent"></progress>',
            format_html('value="{}"', percent) if percent is not None else "",
            job.pk,
        )

    @admin.display(description="Speed")
    def speed(self, job: ImportJob) -> str:
        return format_html(
            '<span data-job="{}" data-live="speed">{}</span>', job.pk, speed_text(job)
        )

    @admin.display(description="ETA")
    def eta(self, job: ImportJob) -> str:
        return format_html('<span data-job="{}" data-live="eta">{}</span>', job.pk, eta_text(job))

    @admin.display(description="Log (last 40 lines)")
    def log_tail_block(self, job: ImportJob) -> str:
        return format_html(
            '<pre class="ingest-log" data-job="{}" data-live="log" data-live-url="{}">{}</pre>',
            job.pk,
            reverse("admin:comic_import_live"),
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
        queued = 0
        for job in queryset:
            try:
                service.retry(job)
                queued += 1
            except IngestError as error:
                self.message_user(request, f"#{job.pk}: {error}", messages.WARNING)
        if queued:
            self.message_user(request, f"{queued} jobs queued again.")

    def submit_view(self, request: HttpRequest) -> HttpResponse:
        """The "Import comics" page. js/comic-upload.js posts the chosen archives here one
        per request (each within the gateway's body limit) and asks for JSON: the new jobs'
        ids (201), or the reason (400)."""
        if not self.has_add_permission(request):
            return redirect("admin:index")
        posted = request.method == "POST"
        as_json = "application/json" in request.headers.get("Accept", "")
        form = ImportForm(request.POST, request.FILES) if posted else ImportForm()
        if posted and form.is_valid():
            try:
                jobs = _submit(request, form.cleaned_data)
            except IngestError as error:
                form.add_error(None, str(error))
            else:
                if as_json:
                    return JsonResponse({"jobs": [job.pk for job in jobs]}, status=201)
                self.message_user(request, f"{len(jobs)} import jobs queued.")
                return redirect("admin:readvault_importjob_changelist")
        if posted and as_json:
            reasons = [str(m) for errors in form.errors.values() for m in errors]
            return JsonResponse({"error": " ".join(reasons)}, status=400)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "Import comics",
            "form": form,
            "media": self.media + form.media,
        }
        return TemplateResponse(request, "admin/readvault/importjob/submit.html", context)

    def live_view(self, request: HttpRequest) -> JsonResponse:
        """The live columns of the jobs on the page (polled by js/ingest_admin.js). Only
        those who may see the job list get its rows."""
        if not self.has_view_permission(request):
            return JsonResponse({"detail": "You may not follow import jobs."}, status=403)
        ids = parse_id_list(request.GET.get("ids"), limit=MAX_LIVE_JOBS)
        jobs = self.get_queryset(request).filter(pk__in=ids)
        return JsonResponse({"jobs": {job.pk: live_fields(job) for job in jobs}})


def _submit(request: HttpRequest, data: dict) -> list[ImportJob]:
    choices = service.Choices(
        tenant=cast(SiteRequest, request).tenant,
        via="admin",
        requested_by=request.user,
        publish=data["publish"],
        target_series=data["target_series"],
    )
    if data.get("archives"):
        return service.submit_uploads(data["archives"], choices)
    if data.get("folder"):
        folder = "" if data["folder"] == "." else data["folder"]
        within = service.import_root()
        return service.submit_paths([folder or "."], replace(choices, via="folder"), within)
    return service.submit_urls(data["urls"].splitlines(), choices)


def live_fields(job: ImportJob) -> dict:
    return {
        "state": state_text(job),
        "state_code": job.state,
        "percent": job.percent,
        "speed": speed_text(job),
        "eta": eta_text(job),
        "error": job.error or job.note,
        "log": job.log_tail(),
        "finished": job.is_finished,
    }


def register(site: AdminSite) -> None:
    """Called from ReadVaultConfig.ready()."""
    site.register(ImportJob, ImportJobAdmin)
