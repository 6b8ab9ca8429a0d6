"""The catalogue: titles (films and series), seasons, episodes, their media files and
subtitles, genres, collections and credits.

The catalogue is shared by the operator's sites; a site may hide titles from itself
(`TitleHiding`). What a site's viewers may see is decided in one place, `visible_rule`
(published, not hidden there), which `Title.objects.visible_on(tenant)` and
`MediaFile.objects.visible_on(tenant)` apply.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Exists, F, OuterRef, Q
from django.utils.text import slugify

from stored_media.models import StoredObject
from tenants.scoping import TenantOwned


class Genre(models.Model):
    name = models.CharField(max_length=60, unique=True)
    slug = models.SlugField(max_length=60, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


def visible_rule(tenant, title: str = "") -> Q:
    """The title at the end of the path `title` (empty for a Title itself, "title__",
    "media_file__episode__season__title__") is published and the site has not hidden it.

    A condition on the joined title row rather than membership of a set of title ids
    (`title__in=Title.objects.visible_on(...)`): the databases then check the few rows a query
    reads instead of first listing every visible title of the catalogue, tens of
    milliseconds at 50,000 titles (bench/pages.py). Nothing passes for an unknown or inactive
    site. Only along foreign keys towards the title: across a many-valued relation
    ("titles__" from a genre) Django reads the negated part as "no related title is hidden".
    """
    if tenant is None or not tenant.is_active:
        return Q(pk__in=[])
    hidden = TitleHiding.objects.for_tenant(tenant).values("title_id")
    return Q(**{f"{title}status": Title.Status.PUBLISHED}) & ~Q(**{f"{title}pk__in": hidden})


class TitleQuerySet(models.QuerySet):
    def published(self) -> TitleQuerySet:
        return self.filter(status=Title.Status.PUBLISHED)

    def visible_on(self, tenant) -> TitleQuerySet:
        """Published titles the site has not hidden; nothing for an unknown or inactive site."""
        if tenant is None or not tenant.is_active:
            return self.none()
        return self.filter(visible_rule(tenant))

    def in_genre(self, genre: Genre | str) -> TitleQuerySet:
        """Titles with the genre (a Genre, or its slug as a client sent it: an unknown slug
        matches nothing), as EXISTS per title rather than a join. A join lists a title once
        per matching genre row, and listed newest (or A to Z) first, the titles are read off
        their index and each checked for the genre until the page is full. With a join
        SQLite starts from the genre's side instead and sorts all of its titles, 20 ms for a
        big genre at 50,000 titles (bench/pages.py)."""
        which = Q(genre=genre) if isinstance(genre, Genre) else Q(genre__slug=genre)
        tagged = Title.genres.through.objects.filter(which, title=OuterRef("pk"))
        return self.filter(Exists(tagged))

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
        # The visible titles (status first) in each order the pages list them by, so that a
        # page of 24 is read off an index instead of sorting every published title
        # (bench/pages.py). The "release year" order (year DESC NULLS LAST, title, id) has
        # its index made by migration 0005 with SQL per database: SQLite refuses NULLS LAST
        # in an index, PostgreSQL needs it (its DESC puts NULLs first).
        indexes = [
            models.Index(fields=["status", "kind"]),
            models.Index(fields=["-created_at"]),
            models.Index(fields=["status", "-created_at", "-id"], name="title_published_newest"),
            models.Index(fields=["status", "title", "year", "id"], name="title_published_a_z"),
            models.Index(
                fields=["status", "year", "-created_at", "-id"], name="title_published_in_year"
            ),
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


def media_visible_rule(tenant, media_file: str = "") -> Q:
    """The media file at the end of the path `media_file` ("" for a MediaFile itself,
    "media_file__" from watch progress) belongs to a film or an episode of a series that the
    site shows; see `visible_rule`."""
    return visible_rule(tenant, f"{media_file}title__") | visible_rule(
        tenant, f"{media_file}episode__season__title__"
    )


# Which version of a film or an episode plays first, and the order versions are offered in:
# the tallest picture, then the oldest file (a second copy kept at ingest comes after the
# first), the id settling files made in the same instant. NULLS LAST on both databases: a
# file whose height ffprobe did not find is nobody's best (PostgreSQL's plain DESC puts NULLs
# first, SQLite's last). Every chooser orders by this, through `best_first()`.
BEST_FIRST = (F("height").desc(nulls_last=True), "created_at", "pk")


class MediaFileQuerySet(models.QuerySet):
    def visible_on(self, tenant) -> MediaFileQuerySet:
        if tenant is None or not tenant.is_active:
            return self.none()
        return self.filter(media_visible_rule(tenant))

    def best_first(self) -> MediaFileQuerySet:
        """The versions in BEST_FIRST order: the first one is what Play starts."""
        return self.order_by(*BEST_FIRST)


def servable_objects_rule(tenant) -> Q:
    """The stored objects `tenant` may serve (registered with stored_media.owners): the
    media files, subtitles and seek previews of titles visible there. The delivery view asks
    this on every media request, so each way of being attached is its own EXISTS, found
    through the one-to-one column's index, not a membership of the set of every visible
    file (tens of ms at 50,000 titles)."""
    files = MediaFile.objects.visible_on(tenant)
    return (
        Exists(files.filter(stored=OuterRef("pk")))
        | Exists(files.filter(subtitles__stored=OuterRef("pk")))
        | Exists(files.filter(sprite=OuterRef("pk")))
        | Exists(files.filter(thumbnails=OuterRef("pk")))
        | Exists(files.filter(progressive__segments__stored=OuterRef("pk")))
        | Exists(files.filter(progressive__segments__init=OuterRef("pk")))
    )


class MediaFile(models.Model):
    """One playable version of a film or an episode, with the facts ffprobe found."""

    title = models.ForeignKey(
        Title, null=True, blank=True, on_delete=models.CASCADE, related_name="media_files"
    )
    episode = models.ForeignKey(
        Episode, null=True, blank=True, on_delete=models.CASCADE, related_name="media_files"
    )
    # None while only a progressive rendition exists (streaming.models.progressive): the
    # final MP4 is still being made.
    stored = models.OneToOneField(
        StoredObject, null=True, blank=True, on_delete=models.PROTECT, related_name="media"
    )
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
        # Only a default for listings (the admin's); what plays first is `best_first()`.
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

    @property
    def owner_title(self) -> Title:
        """The film this version belongs to, or the series of its episode."""
        if self.title is not None:  # no query for an episode's file: its title_id is None
            return self.title
        episode = self.episode
        if episode is None:  # the check constraint media_file_belongs_to_a_film_or_an_episode
            raise ValueError(f"Media file {self.pk} belongs to neither a film nor an episode.")
        return episode.season.title


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
    titles: models.ManyToManyField[Title, CollectionEntry] = models.ManyToManyField(
        Title, through="CollectionEntry", related_name="collections"
    )

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
