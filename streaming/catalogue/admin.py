"""The catalogue CMS (operators) and per-site title hiding (site admins)."""

from functools import partial

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import AdminSite
from django.contrib.admin.helpers import ActionForm
from django.db import transaction
from django.db.models import Count, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html

from shadowvault.request_numbers import parse_bounded_int
from shadowvault.task_queues import enqueue
from stored_media.authorize_cache import served_less
from streaming.catalogue.merge import MergeRefused, merge_titles
from streaming.metadata.base import MetadataError
from streaming.metadata.refresh import candidates_for, match_title
from streaming.models import (
    Collection,
    CollectionEntry,
    Credit,
    Episode,
    Genre,
    MediaFile,
    Person,
    ProgressiveRendition,
    Season,
    Subtitle,
    Title,
    TitleHiding,
)
from tenants.admin_scoping import OperatorOnlyAdmin, TenantScopedAdmin


class TitleActionForm(ActionForm):
    collection = forms.ModelChoiceField(
        Collection.objects.all(), required=False, label="Collection (for “add to collection”)"
    )


class SeasonInline(admin.TabularInline):
    model = Season
    extra = 0
    fields = ["number", "name", "year", "episode_count"]
    readonly_fields = ["episode_count"]
    show_change_link = True

    @admin.display(description="Episodes")
    def episode_count(self, season: Season) -> int:
        return season.episodes.count()


class MediaFileInline(admin.TabularInline):
    model = MediaFile
    fk_name = "title"
    extra = 0
    fields = ["stored", "quality_label", "width", "height", "video_codec", "audio_codec"]
    raw_id_fields = ["stored"]
    show_change_link = True


class EpisodeMediaFileInline(MediaFileInline):
    fk_name = "episode"


class CreditInline(admin.TabularInline):
    model = Credit
    extra = 0
    raw_id_fields = ["person"]


class TitleAdmin(OperatorOnlyAdmin):
    list_display = ["poster_thumb", "title", "kind", "year", "status", "is_skeleton", "files"]
    list_display_links = ["poster_thumb", "title"]
    list_filter = ["kind", "status", "is_skeleton", "genres"]
    search_fields = ["title", "original_title", "imdb_id", "=tmdb_id"]
    prepopulated_fields = {"slug": ["title", "year"]}
    filter_horizontal = ["genres"]
    readonly_fields = ["poster_preview", "metadata_error", "created_at", "updated_at"]
    inlines = [SeasonInline, MediaFileInline, CreditInline]
    action_form = TitleActionForm
    actions = ["publish", "unpublish", "add_to_collection", "refresh_metadata", "merge"]
    fieldsets = [
        (None, {"fields": ["kind", "title", "original_title", "slug", "year", "status"]}),
        ("Details", {"fields": ["overview", "genres", "runtime_minutes", "content_rating"]}),
        ("Images", {"fields": ["poster", "poster_preview", "backdrop"]}),
        ("Metadata", {"fields": ["tmdb_id", "imdb_id", "is_skeleton", "metadata_error"]}),
        ("Record", {"fields": ["created_at", "updated_at"], "classes": ["collapse"]}),
    ]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).annotate(file_count=Count("media_files"))

    def get_inlines(self, request: HttpRequest, obj=None):
        if obj is not None and obj.kind == Title.Kind.SERIES:
            return [SeasonInline, CreditInline]
        return [MediaFileInline, CreditInline]

    @admin.display(description="Files", ordering="file_count")
    def files(self, title: Title) -> int:
        return title.file_count  # type: ignore[attr-defined]  # get_queryset annotates it

    @admin.display(description="")
    def poster_thumb(self, title: Title) -> str:
        if not title.poster:
            return "—"
        return format_html(
            '<img src="{}" alt="" width="40" height="60" style="object-fit:cover" loading="lazy">',
            title.poster.url,
        )

    @admin.display(description="Poster")
    def poster_preview(self, title: Title) -> str:
        if not title.poster:
            return "No poster yet."
        return format_html('<img src="{}" alt="" style="max-height:240px">', title.poster.url)

    @admin.action(description="Publish the selected titles")
    def publish(self, request: HttpRequest, queryset: QuerySet) -> None:
        count = queryset.update(status=Title.Status.PUBLISHED)
        self.message_user(request, f"Published {count} title(s).", messages.SUCCESS)

    @admin.action(description="Unpublish the selected titles (back to draft)")
    def unpublish(self, request: HttpRequest, queryset: QuerySet) -> None:
        count = queryset.update(status=Title.Status.DRAFT)
        served_less()  # an update sends no signal
        self.message_user(request, f"Moved {count} title(s) back to draft.", messages.SUCCESS)

    @admin.action(description="Refresh metadata of the selected titles (in the background)")
    def refresh_metadata(self, request: HttpRequest, queryset: QuerySet) -> None:
        ids = list(queryset.values_list("pk", flat=True))
        for title_id in ids:
            transaction.on_commit(partial(enqueue, "streaming.tasks.refresh_metadata", title_id))
        self.message_user(
            request,
            f"Queued {len(ids)} title(s) for a metadata refresh; failures show on each title.",
            messages.SUCCESS,
        )

    @admin.action(description="Merge the two selected titles (keeps the older one)")
    def merge(self, request: HttpRequest, queryset: QuerySet) -> None:
        titles = list(queryset.order_by("created_at", "pk"))
        if len(titles) != 2:
            self.message_user(request, "Select exactly two titles to merge.", messages.ERROR)
            return
        try:
            kept = merge_titles(*titles)
        except MergeRefused as exc:
            self.message_user(request, str(exc), messages.ERROR)
            return
        self.message_user(request, f"Merged into {kept}; nothing was lost.", messages.SUCCESS)

    def get_urls(self):
        match = path(
            "<int:title_id>/match/",
            self.admin_site.admin_view(self.match_view),
            name="streaming_title_match",
        )
        return [match, *super().get_urls()]

    def match_view(self, request: HttpRequest, title_id: int) -> HttpResponse:
        """Search the provider and let the operator pick the right candidate."""
        title = get_object_or_404(Title, pk=title_id)
        if not self.has_change_permission(request, title):
            return HttpResponse(status=403)
        query = request.GET.get("q", title.title)[:200]
        year = request.GET.get("year", title.year or "")
        candidates, error = [], ""
        try:
            if request.method == "POST":
                match_title(title, request.POST.get("external_id", ""))
                self.message_user(request, f"{title} now uses the chosen metadata.")
                return redirect(reverse("admin:streaming_title_change", args=[title.pk]))
            year_number = parse_bounded_int(str(year), 1, 9999)
            candidates = candidates_for(query, year_number, title.kind)
        except MetadataError as exc:
            error = str(exc)
        context = {
            **self.admin_site.each_context(request),
            "title": f"Match metadata: {title}",
            "subject": title,
            "opts": self.model._meta,
            "query": query,
            "year": year,
            "candidates": candidates,
            "error": error,
        }
        return TemplateResponse(request, "admin/streaming/title/match.html", context)

    @admin.action(description="Add the selected titles to a collection")
    def add_to_collection(self, request: HttpRequest, queryset: QuerySet) -> None:
        chosen = TitleActionForm(request.POST).data.get("collection")
        collection = Collection.objects.filter(pk=chosen).first() if chosen else None
        if collection is None:
            self.message_user(request, "Choose a collection first.", messages.ERROR)
            return
        last = collection.entries.count()
        entries = [
            CollectionEntry(collection=collection, title=title, order=last + index)
            for index, title in enumerate(queryset)
        ]
        CollectionEntry.objects.bulk_create(entries, ignore_conflicts=True)
        self.message_user(request, f"Added to {collection}.", messages.SUCCESS)


class SeasonAdmin(OperatorOnlyAdmin):
    list_display = ["__str__", "title", "number"]
    list_select_related = ["title"]
    search_fields = ["title__title", "name"]
    raw_id_fields = ["title"]

    class EpisodeInline(admin.TabularInline):
        model = Episode
        extra = 0
        fields = ["number", "name", "air_date", "runtime_minutes"]
        show_change_link = True

    inlines = [EpisodeInline]


class EpisodeAdmin(OperatorOnlyAdmin):
    list_display = ["__str__", "series", "air_date"]
    list_select_related = ["season__title"]
    search_fields = ["name", "season__title__title"]
    raw_id_fields = ["season"]
    inlines = [EpisodeMediaFileInline]

    @admin.display(description="Series", ordering="season__title__title")
    def series(self, episode: Episode) -> Title:
        return episode.season.title


class SubtitleInline(admin.TabularInline):
    model = Subtitle
    extra = 0
    raw_id_fields = ["stored"]


class ProgressiveInline(admin.StackedInline):
    """Read-only: what the encoders of a file still being made are doing."""

    model = ProgressiveRendition
    extra = 0
    can_delete = False
    fields = readonly_fields = (
        "state", "rung", "speed", "segment_count", "made", "encoding_at", "message",
    )  # fmt: skip

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    @admin.display(description="Segments made")
    def made(self, rendition: ProgressiveRendition) -> int:
        return rendition.segments.count()


class MediaFileAdmin(OperatorOnlyAdmin):
    list_display = [
        "__str__", "quality_label", "video_codec", "audio_codec", "duration_seconds", "ready",
    ]  # fmt: skip
    list_select_related = ["title", "episode__season"]
    search_fields = ["title__title", "episode__name", "stored__filename"]
    raw_id_fields = ["title", "episode", "stored"]
    inlines = [SubtitleInline, ProgressiveInline]

    @admin.display(description="File", boolean=True, ordering="stored")
    def ready(self, media: MediaFile) -> bool:
        """False while only the progressive rendition plays (the final MP4 is being made)."""
        return media.stored_id is not None


class GenreAdmin(OperatorOnlyAdmin):
    list_display = ["name", "slug", "title_count"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name"]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).annotate(title_count=Count("titles"))

    @admin.display(description="Titles", ordering="title_count")
    def title_count(self, genre: Genre) -> int:
        return genre.title_count  # type: ignore[attr-defined]  # get_queryset annotates it


class CollectionAdmin(OperatorOnlyAdmin):
    list_display = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name"]

    class EntryInline(admin.TabularInline):
        model = CollectionEntry
        extra = 0
        raw_id_fields = ["title"]

    inlines = [EntryInline]


class PersonAdmin(OperatorOnlyAdmin):
    list_display = ["name", "tmdb_id"]
    search_fields = ["name"]


class TitleHidingAdmin(TenantScopedAdmin):
    """A site admin hides titles of the shared catalogue from their own site."""

    list_display = ["title", "created_at"]
    list_select_related = ["title", "tenant"]
    search_fields = ["title__title"]

    def formfield_for_foreignkey(self, db_field, request: HttpRequest, **kwargs):
        # Site admins cannot open the catalogue admin, so no autocomplete or raw-id popup:
        # a plain choice of published titles (drafts are not shown on any site anyway).
        if db_field.name == "title":
            kwargs["queryset"] = Title.objects.published()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


def register(site: AdminSite) -> None:
    """Called from StreamingConfig.ready()."""
    site.register(Title, TitleAdmin)
    site.register(Season, SeasonAdmin)
    site.register(Episode, EpisodeAdmin)
    site.register(MediaFile, MediaFileAdmin)
    site.register(Genre, GenreAdmin)
    site.register(Collection, CollectionAdmin)
    site.register(Person, PersonAdmin)
    site.register(TitleHiding, TitleHidingAdmin)
