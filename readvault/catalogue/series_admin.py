"""The library's CMS: series with their credits, volumes and chapters (operators), and which
series a site shows (its site admins, who see the published library read-only)."""

from __future__ import annotations

import json

from django.contrib import admin, messages
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html

from readvault.catalogue.admin_forms import (
    ChapterRowForm,
    ChapterRowFormSet,
    CoverForm,
    MergeForm,
    RenumberForm,
    SeriesForm,
)
from readvault.catalogue.chapter_order import (
    OrderRefused,
    reading_order,
    renumber_chapters,
    set_numbers,
)
from readvault.catalogue.chapter_order import sort_by_number as sort_chapters
from readvault.catalogue.cover_choice import cover_candidates, set_cover
from readvault.catalogue.merge import MergeRefused, check_merge, merge_series
from readvault.catalogue.page_previews import preview_of
from readvault.catalogue.site_hiding import hide_on, show_on
from readvault.metadata.matching import configured_provider, refresh_series
from readvault.models import Chapter, Page, Series, SeriesCredit, SeriesHiding, Volume
from readvault.pages.member_bytes import CorruptPage
from stored_media.authorize_cache import served_less
from stored_media.media_types import MEDIA_CSP
from stored_media.storage.base import BackendUnavailable, ObjectMissing
from tenants.access import is_operator, is_site_admin
from tenants.admin_scoping import OperatorOnlyAdmin
from tenants.request_types import tenant_of

# Each series costs the provider up to two requests, in this request; AniList allows 90 a minute.
MATCHED_AT_ONCE = 20
NOT_CONFIGURED = (
    "No metadata provider is configured (ANILIST_API_URL is off), so nothing was looked up. "
    "Remove ANILIST_API_URL=off from the environment (AniList is the default) to match series."
)

# Set on the intermediate pages' forms: the operator has seen the page and confirms.
CONFIRMED = "confirmed"


class OperatorOnlyInline:
    """Inlines of the shared library: operators only (a site admin's view of a series shows
    its own fields, read-only)."""

    def has_view_permission(self, request: HttpRequest, obj=None) -> bool:
        return is_operator(request)

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return is_operator(request)

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return is_operator(request)

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return is_operator(request)


class CreditInline(OperatorOnlyInline, admin.TabularInline):
    model = SeriesCredit
    extra = 0
    fields = ["person", "role", "order"]
    raw_id_fields = ["person"]


class VolumeInline(OperatorOnlyInline, admin.TabularInline):
    model = Volume
    extra = 0
    fields = ["number", "title"]


class ChapterInline(OperatorOnlyInline, admin.TabularInline):
    """The reading order and numbers, editable in place; chapters come from imports."""

    model = Chapter
    form = ChapterRowForm
    formset = ChapterRowFormSet
    extra = 0
    fields = ["position", "number", "title", "volume_number", "page_count", "source_format"]
    readonly_fields = ["volume_number", "page_count", "source_format"]
    show_change_link = True
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False  # a chapter is an imported archive

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).select_related("volume")

    @admin.display(description="Volume")
    def volume_number(self, chapter: Chapter) -> str:
        return str(chapter.volume.number) if chapter.volume is not None else "—"


class SeriesAdmin(OperatorOnlyAdmin):
    form = SeriesForm
    list_display = [
        "title",
        "status",
        "run_status",
        "language",
        "reading_direction",
        "chapters",
        "on_this_site",
        "is_skeleton",
    ]
    list_filter = ["status", "run_status", "language", "reading_direction", "is_skeleton"]
    search_fields = ["title", "sort_title", "alternative_titles", "publisher", "=anilist_id"]
    prepopulated_fields = {"slug": ["title"]}
    filter_horizontal = ["genres", "tags"]
    readonly_fields = ["cover", "metadata_error", "created_at", "updated_at"]
    inlines = [CreditInline, VolumeInline, ChapterInline]
    actions = [
        "publish",
        "unpublish",
        "merge",
        "renumber",
        "sort_by_number",
        "match_metadata",
        "hide_on_my_site",
        "show_on_my_site",
    ]
    fieldsets = [
        (None, {"fields": ["title", "sort_title", "slug", "alternative_titles", "status"]}),
        (
            "Details",
            {
                "fields": [
                    "summary",
                    "run_status",
                    "reading_direction",
                    "language",
                    "publisher",
                    "year",
                    "age_rating",
                    "genres",
                    "tags",
                ]
            },
        ),
        ("Cover", {"fields": ["cover"]}),
        ("Metadata", {"fields": ["anilist_id", "web_url", "is_skeleton", "metadata_error"]}),
        ("Record", {"fields": ["created_at", "updated_at"], "classes": ["collapse"]}),
    ]

    def get_fieldsets(self, request: HttpRequest, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if is_operator(request):
            return fieldsets
        return [(name, options) for name, options in fieldsets if name != "Cover"]

    # --- who may do what ------------------------------------------------------------------
    # Only operators change a series (OperatorOnlyAdmin); a site's admins also see it, published.

    def has_module_permission(self, request: HttpRequest) -> bool:
        return is_site_admin(request)

    def has_view_permission(self, request: HttpRequest, obj=None) -> bool:
        if is_operator(request):
            return True
        published = obj is None or obj.status == Series.Status.PUBLISHED
        return is_site_admin(request) and published

    def has_site_hiding_permission(self, request: HttpRequest) -> bool:
        """For the "hide/show on my site" actions: anyone who administers this site."""
        return is_site_admin(request) and tenant_of(request) is not None

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        hidings = SeriesHiding.objects.for_tenant(tenant_of(request))
        queryset = (
            super()
            .get_queryset(request)
            .annotate(
                chapter_count=Count("chapters"),
                hidden_here=Exists(hidings.filter(series=OuterRef("pk"))),
            )
        )
        if not is_operator(request):
            queryset = queryset.published()  # drafts show on no site
        return queryset

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet, search_term: str
    ) -> tuple[QuerySet, bool]:
        found, duplicates = super().get_search_results(request, queryset, search_term)
        # SQLite keeps a JSON list's non-ASCII names \u-escaped (json.dumps' ensure_ascii),
        # so "青い" is looked for as it is written there too; PostgreSQL's jsonb needs not.
        escaped = json.dumps(search_term.strip())[1:-1]
        if escaped != search_term.strip():
            found = found | queryset.filter(alternative_titles__icontains=escaped)
        return found, duplicates

    # --- columns ----------------------------------------------------------------------------

    @admin.display(description="Chapters", ordering="chapter_count")
    def chapters(self, series: Series) -> int:
        return series.chapter_count  # type: ignore[attr-defined]  # get_queryset annotates it

    @admin.display(description="On this site", boolean=True, ordering="hidden_here")
    def on_this_site(self, series: Series) -> bool:
        return not series.hidden_here  # type: ignore[attr-defined]  # annotated too

    @admin.display(description="Cover")
    def cover(self, series: Series) -> str:
        if series.pk is None:
            return "Choose it once the series has chapters."
        page = series.cover_page
        chosen = f"Page {page.index + 1} of {page.chapter.label}" if page else "The first page"
        link = reverse("admin:readvault_series_cover", args=[series.pk])
        return format_html('{} · <a href="{}">Choose the cover page</a>', chosen, link)

    # --- saving -----------------------------------------------------------------------------

    def save_formset(self, request: HttpRequest, form, formset, change: bool) -> None:
        if isinstance(formset, ChapterRowFormSet):
            # The list was checked as a whole; numbers go in first, all at once, so two
            # chapters may swap theirs.
            set_numbers(form.instance, formset.changed_numbers())
        super().save_formset(request, form, formset, change)

    # --- actions ----------------------------------------------------------------------------

    @admin.action(description="Publish the selected series", permissions=["change"])
    def publish(self, request: HttpRequest, queryset: QuerySet) -> None:
        count = Series.objects.filter(pk__in=_ids(queryset)).update(status=Series.Status.PUBLISHED)
        self.message_user(request, f"Published {count} series.", messages.SUCCESS)

    @admin.action(
        description="Unpublish the selected series (back to draft)", permissions=["change"]
    )
    def unpublish(self, request: HttpRequest, queryset: QuerySet) -> None:
        count = Series.objects.filter(pk__in=_ids(queryset)).update(status=Series.Status.DRAFT)
        served_less()  # an update sends no signal
        self.message_user(request, f"Moved {count} series back to draft.", messages.SUCCESS)

    @admin.action(description="Merge the two selected series…", permissions=["change"])
    def merge(self, request: HttpRequest, queryset: QuerySet) -> HttpResponse | None:
        pair = list(queryset.order_by("created_at", "pk"))
        if len(pair) != 2:
            self.message_user(request, "Select exactly two series to merge.", messages.ERROR)
            return None
        confirmed = CONFIRMED in request.POST
        form = MergeForm(pair, request.POST if confirmed else None, initial={"keep": pair[0].pk})
        refusal = _refusal(pair)
        if confirmed and form.is_valid() and not refusal:
            keep = next(s for s in pair if s.pk == form.cleaned_data["keep"])
            duplicate = next(s for s in pair if s is not keep)
            try:
                merge_series(keep, duplicate)
            except MergeRefused as exc:
                self.message_user(request, str(exc), messages.ERROR)
                return None
            self.message_user(
                request, f"Merged “{duplicate}” into “{keep}”; nothing was lost.", messages.SUCCESS
            )
            return None
        summaries = [(series, _summary(series)) for series in pair]
        context = {"form": form, "summaries": summaries, "refusal": refusal}
        return self._action_page(request, queryset, "merge", "Merge two series", context)

    @admin.action(description="Renumber chapters from N in reading order…", permissions=["change"])
    def renumber(self, request: HttpRequest, queryset: QuerySet) -> HttpResponse | None:
        confirmed = CONFIRMED in request.POST
        form = RenumberForm(request.POST if confirmed else None)
        if confirmed and form.is_valid():
            for series in queryset.order_by("pk"):
                self._renumber_one(request, series, form.cleaned_data["start"])
            return None
        shown = [(series, reading_order(series)) for series in queryset.order_by("sort_title")]
        context = {"form": form, "shown": shown}
        return self._action_page(request, queryset, "renumber", "Renumber chapters", context)

    def _renumber_one(self, request: HttpRequest, series: Series, start: int) -> None:
        try:
            with transaction.atomic():
                count = renumber_chapters(series, start)
        except OrderRefused as exc:
            self.message_user(request, str(exc), messages.ERROR)
            return
        last = start + count - 1
        self.message_user(
            request, f"“{series}”: {count} chapters numbered {start} to {last}.", messages.SUCCESS
        )

    @admin.action(
        description="Sort chapters by number (within their volumes)", permissions=["change"]
    )
    def sort_by_number(self, request: HttpRequest, queryset: QuerySet) -> None:
        for series in queryset.order_by("pk"):
            count = sort_chapters(series)
            self.message_user(
                request, f"“{series}”: {count} chapters in number order.", messages.SUCCESS
            )

    @admin.action(description="Match metadata of the selected series", permissions=["change"])
    def match_metadata(self, request: HttpRequest, queryset: QuerySet) -> None:
        """Each series looked up now with the configured provider and filled in under the
        metadata helper's rules (readvault.metadata.matching.refresh_series), one line each."""
        provider = configured_provider()
        if provider is None:
            self.message_user(request, NOT_CONFIGURED, messages.ERROR)
            return
        chosen = list(queryset.order_by("sort_title", "pk"))
        for series in chosen[:MATCHED_AT_ONCE]:
            line = refresh_series(series, provider)
            level = messages.WARNING if series.metadata_error else messages.SUCCESS
            self.message_user(request, line, level)
        if len(chosen) > MATCHED_AT_ONCE:
            left = len(chosen) - MATCHED_AT_ONCE
            message = f"Only {MATCHED_AT_ONCE} series are matched at once; {left} were left as is."
            self.message_user(request, message, messages.WARNING)

    @admin.action(description="Hide the selected series on my site", permissions=["site_hiding"])
    def hide_on_my_site(self, request: HttpRequest, queryset: QuerySet) -> None:
        count = hide_on(tenant_of(request), _ids(queryset))  # type: ignore[arg-type]
        self.message_user(request, f"Hid {count} series on this site.", messages.SUCCESS)

    @admin.action(description="Show the selected series on my site", permissions=["site_hiding"])
    def show_on_my_site(self, request: HttpRequest, queryset: QuerySet) -> None:
        count = show_on(tenant_of(request), _ids(queryset))  # type: ignore[arg-type]
        self.message_user(request, f"Showing {count} series on this site again.", messages.SUCCESS)

    def _action_page(
        self, request: HttpRequest, queryset: QuerySet, action: str, title: str, context: dict
    ) -> TemplateResponse:
        """An intermediate page that posts back to the changelist with the same selection."""
        context = {
            **self.admin_site.each_context(request),
            **context,
            "title": title,
            "opts": self.model._meta,
            "action": action,
            "selected": _ids(queryset),
            "confirmed": CONFIRMED,
        }
        return TemplateResponse(request, f"admin/readvault/series/{action}.html", context)

    # --- the cover page -----------------------------------------------------------------

    def get_urls(self):
        cover = path(
            "<int:series_id>/cover/",
            self.admin_site.admin_view(self.cover_view),
            name="readvault_series_cover",
        )
        preview = path(
            "<int:series_id>/cover/<int:page_id>/",
            self.admin_site.admin_view(self.page_preview),
            name="readvault_series_page_preview",
        )
        return [cover, preview, *super().get_urls()]

    def cover_view(self, request: HttpRequest, series_id: int) -> HttpResponse:
        """Thumbnails of the first pages of the first chapters; saving sets the cover."""
        if not self.has_change_permission(request):
            return HttpResponse(status=403)
        series = get_object_or_404(Series, pk=series_id)
        candidates = cover_candidates(series)
        form = CoverForm(candidates, request.POST if request.method == "POST" else None)
        if form.is_valid():
            set_cover(series, form.chosen_page())
            self.message_user(request, f"The cover of “{series}” is saved.", messages.SUCCESS)
            return redirect(reverse("admin:readvault_series_change", args=[series.pk]))
        choices = [
            (page, reverse("admin:readvault_series_page_preview", args=[series.pk, page.pk]))
            for page in candidates
        ]
        context = {
            **self.admin_site.each_context(request),
            "title": f"Choose the cover: {series}",
            "subject": series,
            "opts": self.model._meta,
            "form": form,
            "choices": choices,
            "current": series.cover_page_id,
        }
        return TemplateResponse(request, "admin/readvault/series/cover.html", context)

    def page_preview(self, request: HttpRequest, series_id: int, page_id: int) -> HttpResponse:
        """One page of the series for the cover choice (readvault.catalogue.page_previews)."""
        if not self.has_change_permission(request):
            return HttpResponse(status=403)
        page = get_object_or_404(
            Page.objects.select_related("chapter__archive"), pk=page_id, chapter__series=series_id
        )
        try:
            preview = preview_of(page)
        except ObjectMissing:
            return _plain(404, "This page's archive is missing from storage.")
        except BackendUnavailable:
            return _plain(504, "The storage did not answer; try again shortly.")
        except CorruptPage:
            return _plain(502, "This page could not be read from its archive.")
        response = HttpResponse(preview.body, content_type=preview.content_type)
        response["Cache-Control"] = "private, max-age=300"
        response["Content-Security-Policy"] = MEDIA_CSP  # bytes from an archive: no page
        return response


def _plain(status: int, message: str) -> HttpResponse:
    return HttpResponse(message + "\n", status=status, content_type="text/plain; charset=utf-8")


def _ids(queryset: QuerySet) -> list[int]:
    return list(queryset.values_list("pk", flat=True))


def _refusal(pair: list[Series]) -> str:
    try:
        check_merge(*pair)
    except MergeRefused as exc:
        return str(exc)
    return ""


def _summary(series: Series) -> str:
    chapters = reading_order(series)
    numbered = [c.number for c in chapters if c.number is not None]
    span = ""
    if numbered:
        span = f", numbered {min(numbered).normalize():f} to {max(numbered).normalize():f}"
    volumes = series.volumes.count()
    return f"{len(chapters)} chapters{span}, {volumes} volumes, added {series.created_at:%Y-%m-%d}"
