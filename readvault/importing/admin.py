"""Comic imports in the admin (operators): an "Import comics" page (many files at once, a
folder of the import folder, URLs one per line), the job list with live state, progress,
speed and ETA, a job's log; cancel and retry."""

from __future__ import annotations

from dataclasses import replace
from typing import Any, cast

from django import forms
from django.contrib.admin import AdminSite
from django.core.files.uploadedfile import UploadedFile
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse

from ingest_core.errors import IngestError
from ingest_core.job_admin import JobAdmin
from readvault.importing import service
from readvault.importing.progress_line import speed_text, state_text
from readvault.metadata.names import ARCHIVE_SUFFIXES
from readvault.models import ImportJob, Series
from tenants.request_types import SiteRequest


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


class ImportJobAdmin(JobAdmin[ImportJob]):
    """The job list and its live columns are every vault's (`ingest_core.job_admin`), in a
    comic's words; here is the "Import comics" page."""

    submit_url_name = "comic_import_submit"
    live_url_name = "comic_import_live"
    list_display = (
        "id", "source_label", "state_label", "progress", "speed", "eta", "attempts", "series",
    )  # fmt: skip
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

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).select_related("series", "tenant")

    def state_text(self, job: ImportJob) -> str:
        return state_text(job)

    def speed_text(self, job: ImportJob) -> str:
        return speed_text(job)

    def retry_job(self, job: ImportJob) -> ImportJob:
        return service.retry(job)

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


def register(site: AdminSite) -> None:
    """Called from ReadVaultConfig.ready()."""
    site.register(ImportJob, ImportJobAdmin)
