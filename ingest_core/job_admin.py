"""The job list every vault's import jobs have in the admin (operators only): the state,
progress, speed and ETA columns kept live by js/ingest_admin.js, the log, cancel and retry.

A vault's admin names its URLs (`submit_url_name`, `live_url_name`), says a job's state and
speed in its own words, and gives its service's retry; its submit page, form and query are
its own.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Generic

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html

from ingest_core import submission
from ingest_core.errors import IngestError
from ingest_core.job_model import Job
from ingest_core.lifecycle import MoveRefused
from ingest_core.progress_text import eta_words
from shadowvault.request_numbers import parse_id_list
from tenants.admin_scoping import OperatorOnlyAdmin

MAX_LIVE_JOBS = 200  # more than a changelist page (list_per_page) ever shows


class JobAdmin(OperatorOnlyAdmin, Generic[Job]):
    submit_url_name: str  # the vault's submit page, where "Add" leads
    live_url_name: str  # the live columns' JSON (live_view)

    list_filter = ("state", "source_kind", "tenant")
    search_fields = ("source", "source_name", "error")
    actions: tuple[str, ...] = ("cancel_jobs", "retry_jobs")
    list_per_page = 50

    class Media:
        js = ("js/ingest_admin.js",)
        css = {"all": ("css/ingest_admin.css",)}

    # What the vault says and does.

    def state_text(self, job: Job) -> str:
        return job.get_state_display()

    def speed_text(self, job: Job) -> str:
        raise NotImplementedError

    def eta_text(self, job: Job) -> str:
        return eta_words(job.eta_seconds)

    def cancel_job(self, job: Job) -> None:
        submission.cancel(job)

    def retry_job(self, job: Job) -> object:
        raise NotImplementedError

    def submit_view(self, request: HttpRequest) -> HttpResponse:
        raise NotImplementedError

    def own_urls(self) -> list[URLPattern]:
        """The vault's URLs besides submit/ and live/ (before the admin's own)."""
        return []

    # The list and its live columns.

    def get_readonly_fields(self, request: HttpRequest, obj: object = None) -> list[str]:
        return [f.name for f in self.model._meta.fields] + ["log_tail_block"]

    def get_urls(self) -> list[URLPattern]:
        view = self.admin_site.admin_view
        return [
            path("submit/", view(self.submit_view), name=self.submit_url_name),
            path("live/", view(self.live_view), name=self.live_url_name),
            *self.own_urls(),
            *super().get_urls(),
        ]

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False  # jobs are read-only records; actions act on them

    def add_view(
        self, request: HttpRequest, form_url: str = "", extra_context: dict | None = None
    ) -> HttpResponse:
        return redirect(f"admin:{self.submit_url_name}")

    @admin.display(description="Source")
    def source_label(self, job: Job) -> str:
        return job.source_name or job.source[:90]

    @admin.display(description="State", ordering="state")
    def state_label(self, job: Job) -> str:
        return format_html(
            '<span class="ingest-state ingest-{}" data-job="{}" data-live="state" '
            'data-live-url="{}">{}</span>'
            '<div class="ingest-error" data-job="{}" data-live="error">{}</div>',
            job.state,
            job.pk,
            reverse(f"admin:{self.live_url_name}"),
            self.state_text(job),
            job.pk,
            job.error or job.note,
        )

    @admin.display(description="Progress")
    def progress(self, job: Job) -> str:
        percent = job.percent
        return format_html(
            '<progress max="100" {} data-job="{}" data-live="percent"></progress>',
            format_html('value="{}"', percent) if percent is not None else "",
            job.pk,
        )

    @admin.display(description="Speed")
    def speed(self, job: Job) -> str:
        return format_html(
            '<span data-job="{}" data-live="speed">{}</span>', job.pk, self.speed_text(job)
        )

    @admin.display(description="ETA")
    def eta(self, job: Job) -> str:
        return format_html(
            '<span data-job="{}" data-live="eta">{}</span>', job.pk, self.eta_text(job)
        )

    @admin.display(description="Log (last 40 lines)")
    def log_tail_block(self, job: Job) -> str:
        return format_html(
            '<pre class="ingest-log" data-job="{}" data-live="log" data-live-url="{}">{}</pre>',
            job.pk,
            reverse(f"admin:{self.live_url_name}"),
            job.log_tail(),
        )

    @admin.action(description="Cancel selected jobs")
    def cancel_jobs(self, request: HttpRequest, queryset: QuerySet) -> None:
        """Each job the life cycle lets the operator cancel; a refusal (the job has ended) is
        a warning naming the job."""
        requested = 0
        for job in queryset:
            try:
                self.cancel_job(job)
                requested += 1
            except MoveRefused as refused:
                self.message_user(request, str(refused), messages.WARNING)
        if requested:
            self.message_user(request, f"Cancel requested for {requested} jobs.")

    @admin.action(description="Retry selected jobs (as new jobs)")
    def retry_jobs(self, request: HttpRequest, queryset: QuerySet) -> None:
        self.queue_again(request, queryset, self.retry_job, "{} jobs queued again.")

    def queue_again(
        self,
        request: HttpRequest,
        queryset: QuerySet,
        again: Callable[[Job], object],
        done: str,
    ) -> None:
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

    def live_view(self, request: HttpRequest) -> JsonResponse:
        """The live columns of the jobs on the page (polled by js/ingest_admin.js).

        admin_view only checks that the caller may open the admin at all (any site admin);
        this view answers only those who may see the job list, with its rows."""
        if not self.has_view_permission(request):
            refused = f"You may not follow {self.model._meta.verbose_name_plural}."
            return JsonResponse({"detail": refused}, status=403)
        ids = parse_id_list(request.GET.get("ids"), limit=MAX_LIVE_JOBS)
        jobs = self.get_queryset(request).filter(pk__in=ids)
        return JsonResponse({"jobs": {job.pk: self.live_fields(job) for job in jobs}})

    def live_fields(self, job: Job) -> dict[str, Any]:
        return {
            "state": self.state_text(job),
            "state_code": job.state,
            "percent": job.percent,
            "speed": self.speed_text(job),
            "eta": self.eta_text(job),
            "error": job.error or job.note,
            "log": job.log_tail(),
            "finished": job.is_finished,
        }
