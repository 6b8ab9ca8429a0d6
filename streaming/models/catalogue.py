"""The catalogue: titles (films and series), seasons, episodes, their media files and
subtitles, genres, collections and credits.

The catalogue is shared by the operator's sites; a site may hide titles from itself
(`TitleHiding`). What a site's viewers may see is decided in one place:
`Title.objects.visible_on(tenant)` (published, not hidden there).
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.text import slugify

from streaming.models.stored import StoredObject
from tenants.scoping import TenantOwned


class Genre(models.Model):
    name = models.CharField(max_length=60, unique=True)
    slug = models.SlugField(max_length=60, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class TitleQuerySet(models.QuerySet):
    def published(self) -> TitleQuerySet:
        return self.filter(status=Title.Status.PUBLISHED)

    def visible_on(self, tenant) -> TitleQuerySet:
        """Published titles the site has not hidden; nothing for an unknown or inactive site."""
        if tenant is None or not tenant.is_active:
            return self.none()
        hidden = TitleHiding.objects.for_tenant(tenant).values("title_id")
        return self.published().exclude(pk__in=hidden)

    def films(self) -> TitleQuerySet:
        return self.filter(kind=Title.Kind.FILM)

    def series(self) -> TitleQuerySet:
        return self.filter(kind=Title.Kind.SERIES)


class Title(models.Model):
    class Kind(models.TextChoices):
        FILM = "film", "Film"
        SERIES = "series", "Series"

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"

    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.FILM)
    title = models.CharField(max_length=300)
    original_title = models.CharField(max_length=300, blank=True)
    slug = models.SlugField(max_length=320, unique=True)
    year = models.PositiveSmallIntegerField(null=True, blank=True)
    overview = models.TextField(blank=True)
    genres = models.ManyToManyField(Genre, blank=True, related_name="titles")
    runtime_minutes = models.PositiveIntegerField(null=True, blank=True)
    content_rating = models.CharField(max_length=16, blank=True, help_text="e.g. PG-13, 16+")
    poster = models.ImageField(upload_to="public/posters/", blank=True)
    backdrop = models.ImageField(upload_to="public/backdrops/", blank=True)
    tmdb_id = models.PositiveIntegerField(null=True, blank=True)
    imdb_id = models.CharField(max_length=16, blank=True, db_index=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    is_skeleton = models.BooleanField(
        default=False,
        help_text="Made from a file name alone (metadata lookup failed or was not run yet).",
    )
    metadata_error = models.TextField(blank=True, help_text="Why the last lookup failed.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = TitleQuerySet.as_manager()

    class Meta:
        ordering = ["title", "year"]
        indexes = [
            models.Index(fields=["status", "kind"]),
            models.Index(fields=["-created_at"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "tmdb_id"],
                condition=Q(tmdb_id__isnull=False),
                name="one_title_per_tmdb_id",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.year})" if self.year else self.title

    def save(self, *args, **kwargs) -> None:
        if not self.slug:
            self.slug = unique_slug(self)
        super().save(*args, **kwargs)


def unique_slug(title: Title) -> str:
    base = slugify(f"{title.title} {title.year or ''}")[:300] or "title"
    slug, number = base, 2
    while Title.objects.filter(slug=slug).exclude(pk=title.pk).exists():
        slug, number = f"{base}-{number}", number + 1
    return slug


class TitleHiding(TenantOwned):
    """A site's choice not to show a title of the shared catalogue."""

    title = models.ForeignKey(Title, on_delete=models.CASCADE, related_name="hidings")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["tenant", "title"], name="hide_a_title_once"),
        ]

    def __str__(self) -> str:
        return f"{self.title} hidden on {self.tenant}"


class Season(models.Model):
    title = models.ForeignKey(Title, on_delete=models.CASCADE, related_name="seasons")
    number = models.PositiveSmallIntegerField(help_text="0 holds specials.")
    name = models.CharField(max_length=200, blank=True)
    overview = models.TextField(blank=True)
    year = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["title", "number"]
        constraints = [
            models.UniqueConstraint(fields=["title", "number"], name="one_season_number"),
        ]

    def __str__(self) -> str:
        return self.name or f"Season {self.number}"


class Episode(models.Model):
    season = models.ForeignKey(Season, on_delete=models.CASCADE, related_name="episodes")
    number = models.PositiveSmallIntegerField()
    name = models.CharField(max_length=300, blank=True)
    overview = models.TextField(blank=True)
    air_date = models.DateField(null=True, blank=True)
    runtime_minutes = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["season", "number"]
        constraints = [
            models.UniqueConstraint(fields=["season", "number"], name="one_episode_number"),
        ]

    def __str__(self) -> str:
        label = f"S{self.season.number:02d}E{self.number:02d}"
        return f"{label} {self.name}".strip()


class MediaFileQuerySet(models.QuerySet):
    def visible_on(self, tenant) -> MediaFileQuerySet:
        titles = Title.objects.visible_on(tenant)
        return self.filter(Q(title__in=titles) | Q(episode__season__title__in=titles))


class MediaFile(models.Model):
    """One playable version of a film or an episode, with the facts ffprobe found."""

    title = models.ForeignKey(
        Title, null=True, blank=True, on_delete=models.CASCADE, related_name="media_files"
    )
    episode = models.ForeignKey(
        Episode, null=True, blank=True, on_delete=models.CASCADE, related_name="media_files"
    )
    stored = models.OneToOneField(StoredObject, on_delete=models.PROTECT, related_name="media")
    quality_label = models.CharField(max_length=40, blank=True, help_text="e.g. 1080p, 4K HDR")
    duration_seconds = models.FloatField(null=True, blank=True)
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    video_codec = models.CharField(max_length=40, blank=True)
    audio_codec = models.CharField(max_length=40, blank=True)
    bitrate = models.PositiveBigIntegerField(null=True, blank=True)
    audio_languages = models.JSONField(default=list, blank=True)
    subtitle_languages = models.JSONField(default=list, blank=True)
    # Seek previews: a sprite sheet and the WebVTT track that maps times to its tiles. The
    # track names the image by its bare file name; the player swaps in the signed link.
    sprite = models.OneToOneField(
        StoredObject, null=True, blank=True, on_delete=models.SET_NULL, related_name="sprite_of"
    )
    thumbnails = models.OneToOneField(
        StoredObject,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="thumbnails_of",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = MediaFileQuerySet.as_manager()

    class Meta:
        ordering = ["-height", "created_at"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(title__isnull=False) & Q(episode__isnull=True))
                | (Q(title__isnull=True) & Q(episode__isnull=False)),
                name="media_file_belongs_to_a_film_or_an_episode",
            ),
        ]

    def __str__(self) -> str:
        owner = self.title or self.episode
        return f"{owner} [{self.quality_label or 'file'}]"


class Subtitle(models.Model):
    media_file = models.ForeignKey(MediaFile, on_delete=models.CASCADE, related_name="subtitles")
    stored = models.OneToOneField(StoredObject, on_delete=models.PROTECT, related_name="subtitle")
    language = models.CharField(max_length=16, help_text="BCP 47, e.g. en, pt-BR")
    label = models.CharField(max_length=60, blank=True)
    is_default = models.BooleanField(default=False)
    is_forced = models.BooleanField(default=False)

    class Meta:
        ordering = ["media_file", "language"]

    def __str__(self) -> str:
        return self.label or self.language


class Collection(models.Model):
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    overview = models.TextField(blank=True)
    titles = models.ManyToManyField(Title, through="CollectionEntry", related_name="collections")

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class CollectionEntry(models.Model):
    collection = models.ForeignKey(Collection, on_delete=models.CASCADE, related_name="entries")
    title = models.ForeignKey(Title, on_delete=models.CASCADE)
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["collection", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["collection", "title"], name="title_once_per_collection"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.collection}: {self.title}"


class Person(models.Model):
    name = models.CharField(max_length=200)
    tmdb_id = models.PositiveIntegerField(null=True, blank=True, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Credit(models.Model):
    class Role(models.TextChoices):
        CAST = "cast", "Cast"
        DIRECTOR = "director", "Director"
        WRITER = "writer", "Writer"
        CREATOR = "creator", "Creator"
        PRODUCER = "producer", "Producer"

    title = models.ForeignKey(Title, on_delete=models.CASCADE, related_name="credits")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="credits")
    role = models.CharField(max_length=12, choices=Role.choices)
    character = models.CharField(max_length=200, blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["title", "role", "order"]

    def __str__(self) -> str:
        return f"{self.person} ({self.get_role_display()})"
