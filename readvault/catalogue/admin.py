"""ReadVault's admin registrations: the series CMS (readvault.catalogue.series_admin), chapters with
their page facts, genres, tags and people (operators), and per-site series hiding (site
admins). `register` is called from ReadVaultConfig.ready()."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.admin import AdminSite
from django.db.models import Count, QuerySet
from django.http import HttpRequest
from django.template.defaultfilters import filesizeformat

from readvault.catalogue.admin_forms import ChapterForm
from readvault.catalogue.series_admin import SeriesAdmin
from readvault.models import Chapter, Genre, Page, Person, Series, SeriesHiding, Tag, Volume
from shadowvault.admin_read_only import ReadOnlyTabularInline
from tenants.access import is_operator
from tenants.admin_scoping import OperatorOnlyAdmin, TenantScopedAdmin

PAGE_FACTS = (
    "index",
    "member_name",
    "width",
    "height",
    "format",
    "size",
    "is_wide",
    "data_offset",
    "compressed_size",
    "compression",
)


class PageInline(ReadOnlyTabularInline):
    """The facts import read from each page; they describe the stored archive, so they are
    not edited here."""

    model = Page
    fields = PAGE_FACTS
    readonly_fields = PAGE_FACTS

    def has_view_permission(self, request: HttpRequest, obj=None) -> bool:
        return is_operator(request)


class ChapterAdmin(OperatorOnlyAdmin):
    form = ChapterForm
    list_display = [
        "__str__",
        "series",
        "position",
        "number",
        "page_count",
        "source_format",
        "archive_size",
    ]
    list_select_related = ["series", "volume", "archive"]
    list_filter = ["source_format", "kept_as_is"]
    search_fields = ["series__title", "title", "archive__filename"]
    readonly_fields = [
        "series",
        "page_count",
        "source_format",
        "kept_as_is",
        "archive",
        "archive_size",
        "created_at",
        "updated_at",
    ]
    fieldsets = [
        (None, {"fields": ["series", "volume", "number", "title", "position"]}),
        ("Reading", {"fields": ["reading_direction", "release_date"]}),
        (
            "Archive",
            {"fields": ["archive", "source_format", "kept_as_is", "archive_size", "page_count"]},
        ),
        ("Record", {"fields": ["created_at", "updated_at"], "classes": ["collapse"]}),
    ]
    inlines = [PageInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # a chapter is an imported archive

    def get_form(self, request: HttpRequest, obj=None, change: bool = False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        if obj is not None and "volume" in form.base_fields:
            # Only the volumes of the chapter's own series.
            form.base_fields["volume"].queryset = Volume.objects.filter(series=obj.series_id)  # type: ignore[attr-defined]
        return form

    @admin.display(description="Archive size", ordering="archive__size")
    def archive_size(self, chapter: Chapter) -> str:
        return filesizeformat(chapter.archive.size)


class SeriesHidingAdmin(TenantScopedAdmin):
    """A site admin hides series of the shared library from their own site."""

    list_display = ["series", "created_at"]
    list_select_related = ["series", "tenant"]
    search_fields = ["series__title"]

    def formfield_for_foreignkey(self, db_field, request: HttpRequest, **kwargs):
        # A plain choice of published series (drafts show on no site anyway): site admins
        # cannot open the operators' popups.
        if db_field.name == "series":
            kwargs["queryset"] = Series.objects.published()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class GenreAdmin(OperatorOnlyAdmin):
    list_display = ["name", "slug", "series_count"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name"]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).annotate(series_count=Count("series"))

    @admin.display(description="Series", ordering="series_count")
    def series_count(self, genre: Genre) -> int:
        return genre.series_count  # type: ignore[attr-defined]  # get_queryset annotates it


class TagAdmin(GenreAdmin):
    pass


class PersonAdmin(OperatorOnlyAdmin):
    list_display = ["name"]
    search_fields = ["name"]


def register(site: AdminSite) -> None:
    """Called from ReadVaultConfig.ready()."""
    site.register(Series, SeriesAdmin)
    site.register(Chapter, ChapterAdmin)
    site.register(SeriesHiding, SeriesHidingAdmin)
    site.register(Genre, GenreAdmin)
    site.register(Tag, TagAdmin)
    site.register(Person, PersonAdmin)
