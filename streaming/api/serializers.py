"""JSON shapes of the API. Signed media links are made per request (and only for members)."""

from __future__ import annotations

from rest_framework import serializers

from streaming.models import (
    Comment,
    Credit,
    Episode,
    Genre,
    MediaFile,
    Season,
    Title,
    WatchlistEntry,
    WatchProgress,
)
from streaming.viewer import activity
from tenants.access import is_member
from tenants.entitlements import entitlements_for


class GenreSerializer(serializers.ModelSerializer):
    class Meta:
        model = Genre
        fields = ["name", "slug"]


def _image_url(field) -> str | None:
    return field.url if field else None


class TitleListSerializer(serializers.ModelSerializer):
    genres = GenreSerializer(many=True, read_only=True)
    poster = serializers.SerializerMethodField()

    class Meta:
        model = Title
        fields = ["id", "kind", "title", "year", "slug", "poster", "genres"]

    def get_poster(self, title: Title) -> str | None:
        return _image_url(title.poster)


class MediaFileSerializer(serializers.ModelSerializer):
    stream_url = serializers.SerializerMethodField(
        help_text="A signed, expiring link; null unless you are signed in as a member."
    )

    class Meta:
        model = MediaFile
        fields = [
            "id",
            "quality_label",
            "width",
            "height",
            "duration_seconds",
            "video_codec",
            "audio_codec",
            "audio_languages",
            "subtitle_languages",
            "stream_url",
        ]

    def get_stream_url(self, media_file: MediaFile) -> str | None:
        request = self.context["request"]
        # None too while only a progressive rendition exists (the player's own endpoint).
        stored = media_file.stored
        if stored is None or not is_member(request):
            return None
        # Above the caller's plan (tenants.entitlements): listed, never linked.
        return (
            stored.link_for(request) if entitlements_for(request).plays(media_file.height) else None
        )


class EpisodeSerializer(serializers.ModelSerializer):
    media_files = MediaFileSerializer(many=True, read_only=True)

    class Meta:
        model = Episode
        fields = ["id", "number", "name", "overview", "air_date", "runtime_minutes", "media_files"]


class SeasonSerializer(serializers.ModelSerializer):
    episodes = EpisodeSerializer(many=True, read_only=True)

    class Meta:
        model = Season
        fields = ["id", "number", "name", "overview", "year", "episodes"]


class CreditSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="person.name")

    class Meta:
        model = Credit
        fields = ["name", "role", "character", "order"]


class TitleDetailSerializer(TitleListSerializer):
    backdrop = serializers.SerializerMethodField()
    media_files = MediaFileSerializer(many=True, read_only=True)
    credits = CreditSerializer(many=True, read_only=True)
    seasons = serializers.SerializerMethodField()

    class Meta(TitleListSerializer.Meta):
        fields = [
            *TitleListSerializer.Meta.fields,
            "original_title",
            "overview",
            "runtime_minutes",
            "content_rating",
            "imdb_id",
            "backdrop",
            "media_files",
            "credits",
            "seasons",
        ]

    def get_backdrop(self, title: Title) -> str | None:
        return _image_url(title.backdrop)

    def get_seasons(self, title: Title) -> list[dict]:
        return [{"id": s.id, "number": s.number, "name": str(s)} for s in title.seasons.all()]


class ProgressInSerializer(serializers.Serializer):
    media_file = serializers.IntegerField(min_value=1)
    position = serializers.FloatField(min_value=0)
    duration = serializers.FloatField(min_value=0, required=False, allow_null=True)


class ProgressSerializer(serializers.ModelSerializer):
    title = serializers.SerializerMethodField()
    # The site's rule (activity.in_progress_rule): what /progress/continue/ lists.
    in_progress = serializers.SerializerMethodField()

    class Meta:
        model = WatchProgress
        fields = [
            "media_file",
            "title",
            "position_seconds",
            "duration_seconds",
            "finished",
            "in_progress",
            "updated_at",
        ]

    def get_title(self, progress: WatchProgress) -> str:
        media = progress.media_file
        return str(media.title or media.episode)

    def get_in_progress(self, progress: WatchProgress) -> bool:
        return activity.is_in_progress(progress)


class WatchlistSerializer(serializers.ModelSerializer):
    title = TitleListSerializer(read_only=True)
    title_id = serializers.IntegerField(write_only=True, min_value=1)

    class Meta:
        model = WatchlistEntry
        fields = ["title", "title_id", "added_at"]


class ReplySerializer(serializers.ModelSerializer):
    user = serializers.CharField(source="user.username", read_only=True)

    class Meta:
        model = Comment
        fields = ["id", "user", "body", "created_at"]


class CommentSerializer(ReplySerializer):
    replies = serializers.SerializerMethodField()

    class Meta(ReplySerializer.Meta):
        fields = [*ReplySerializer.Meta.fields, "replies"]

    def get_replies(self, comment: Comment) -> list[dict]:
        shown = [r for r in comment.replies.all() if not r.is_hidden]
        # many=True makes a ListSerializer (data: a ReturnList); the stubs keep the class's own
        # one-object ReturnDict (typeddjango/djangorestframework-stubs issue 260).
        return ReplySerializer(shown, many=True).data  # type: ignore[return-value]


class ReportInSerializer(serializers.Serializer):
    # Longer reasons are cut (streaming.viewer.comments keeps 200 characters), not refused.
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class CommentInSerializer(serializers.Serializer):
    body = serializers.CharField(max_length=Comment.MAX_LENGTH, trim_whitespace=True)
    # DRF's SerializerMetaclass takes declared fields off the class (into _declared_fields), so
    # this does not replace Field.parent, which the stubs see it as; the API names it "parent".
    parent = serializers.IntegerField(  # type: ignore[assignment]
        required=False, allow_null=True, min_value=1
    )
