"""What ReadVault's reading API answers and takes (readvault.api.series, .reading).

Links to covers and pages are signed for the caller by the views (readvault.pages.links) and
handed in through the serializer's context, made in bulk for a whole page of results."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from readvault.models import Chapter, ReadingProgress, Series, WantToRead
from readvault.models.library import format_number


class ComicGenreSerializer(serializers.Serializer):
    name = serializers.CharField(read_only=True)
    slug = serializers.CharField(read_only=True)


class SeriesListSerializer(serializers.ModelSerializer):
    genres = ComicGenreSerializer(many=True, read_only=True)
    cover_url = serializers.SerializerMethodField(
        help_text="A signed link to the cover, for this caller; null without pages."
    )
    url = serializers.SerializerMethodField(help_text="The series page on this site.")

    class Meta:
        model = Series
        fields = [
            "id",
            "title",
            "slug",
            "year",
            "run_status",
            "language",
            "reading_direction",
            "age_rating",
            "genres",
            "cover_url",
            "url",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_cover_url(self, series: Series) -> str | None:
        return self.context.get("covers", {}).get(series.pk)

    def get_url(self, series: Series) -> str:
        return reverse("series-page", args=[series.slug])


class ComicCreditSerializer(serializers.Serializer):
    role = serializers.CharField(read_only=True)
    name = serializers.CharField(read_only=True)


class ReadStateSerializer(serializers.Serializer):
    # Text, not an enum: a "state" enum would collide with the job states' in the schema.
    state = serializers.CharField(read_only=True, help_text="read, reading or unread")
    page = serializers.IntegerField(read_only=True, allow_null=True, help_text="0-based")
    finished = serializers.BooleanField(read_only=True)


class ChapterFactsSerializer(serializers.ModelSerializer):
    number = serializers.SerializerMethodField()
    volume = serializers.SerializerMethodField()
    # The model's property; DRF takes the field out of the class, so Field.label is untouched.
    label = serializers.CharField(read_only=True)  # type: ignore[assignment]

    class Meta:
        model = Chapter
        fields = ["id", "label", "number", "volume", "title", "page_count", "release_date"]
        read_only_fields = fields

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_number(self, chapter: Chapter) -> str | None:
        return format_number(chapter.number) if chapter.number is not None else None

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_volume(self, chapter: Chapter) -> int | None:
        return chapter.volume.number if chapter.volume is not None else None


class SeriesChapterSerializer(ChapterFactsSerializer):
    """A chapter in the series' list, with the caller's read state (unread for visitors)."""

    read_state = serializers.SerializerMethodField()

    class Meta(ChapterFactsSerializer.Meta):
        fields = [*ChapterFactsSerializer.Meta.fields, "read_state"]
        read_only_fields = fields

    @extend_schema_field(ReadStateSerializer)
    def get_read_state(self, chapter: Chapter) -> dict[str, Any]:
        return read_state(self.context.get("progress", {}).get(chapter.pk))


def read_state(row: ReadingProgress | None) -> dict[str, Any]:
    if row is None:
        return {"state": "unread", "page": None, "finished": False}
    state = "read" if row.finished else "reading"
    return {"state": state, "page": row.page, "finished": row.finished}


class ResumeSerializer(serializers.Serializer):
    chapter = serializers.IntegerField(read_only=True, help_text="The chapter's id.")
    page = serializers.IntegerField(read_only=True, help_text="0-based")
    started = serializers.BooleanField(read_only=True)


class SeriesDetailSerializer(SeriesListSerializer):
    credits = ComicCreditSerializer(many=True, read_only=True, source="credit_rows")
    tags: Any = serializers.SlugRelatedField(many=True, read_only=True, slug_field="name")
    chapters = SeriesChapterSerializer(many=True, read_only=True, source="chapter_rows")
    want_to_read = serializers.BooleanField(read_only=True, source="wanted")
    resume = ResumeSerializer(read_only=True, allow_null=True, source="resume_row")

    class Meta(SeriesListSerializer.Meta):
        fields = [
            *SeriesListSerializer.Meta.fields,
            "alternative_titles",
            "summary",
            "publisher",
            "credits",
            "tags",
            "want_to_read",
            "resume",
            "chapters",
        ]
        read_only_fields = fields


class PageLinkSerializer(serializers.Serializer):
    index = serializers.IntegerField(read_only=True, help_text="0-based")
    width = serializers.IntegerField(read_only=True)
    height = serializers.IntegerField(read_only=True)
    is_wide = serializers.BooleanField(read_only=True)
    url = serializers.CharField(read_only=True, help_text="Signed for this caller; expires.")


class SeriesRefSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    title = serializers.CharField(read_only=True)
    slug = serializers.CharField(read_only=True)


class ChapterDetailSerializer(serializers.Serializer):
    chapter = ChapterFactsSerializer(read_only=True)
    series = SeriesRefSerializer(read_only=True)
    direction = serializers.CharField(read_only=True)
    width = serializers.IntegerField(
        read_only=True, allow_null=True, help_text="The width asked for (null: originals)."
    )
    pages = PageLinkSerializer(many=True, read_only=True)
    previous = serializers.IntegerField(read_only=True, allow_null=True)
    next = serializers.IntegerField(read_only=True, allow_null=True)
    read_state = ReadStateSerializer(read_only=True, allow_null=True)
    links_expire_in = serializers.IntegerField(read_only=True, help_text="Seconds.")


class ReadingProgressSerializer(serializers.ModelSerializer):
    chapter = ChapterFactsSerializer(read_only=True)
    series = SeriesRefSerializer(read_only=True)

    class Meta:
        model = ReadingProgress
        fields = ["chapter", "series", "page", "page_count", "finished", "updated_at"]
        read_only_fields = fields


class PageInSerializer(serializers.Serializer):
    page = serializers.IntegerField(
        min_value=0, max_value=2**31, help_text="The 0-based index of a page of the chapter."
    )


class ReadInSerializer(serializers.Serializer):
    up_to = serializers.BooleanField(
        default=False, help_text="Mark every chapter before this one read too."
    )


class MarkedSerializer(serializers.Serializer):
    marked = serializers.IntegerField(read_only=True, help_text="Chapters changed.")


class WantToReadSerializer(serializers.ModelSerializer):
    series = SeriesListSerializer(read_only=True)

    class Meta:
        model = WantToRead
        fields = ["series", "added_at"]
        read_only_fields = fields


class WantToReadInSerializer(serializers.Serializer):
    series_id = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
