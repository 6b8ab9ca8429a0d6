"""The ReadVault library: series, volumes, chapters, the facts of each page, and the images
made from pages (smaller widths, modern formats, covers).

Like StreamVault's titles, the library is shared by the operator's sites; a site may hide a
series from itself (`SeriesHiding`). What a site's readers may see is decided in one place,
`visible_rule` (published, not hidden there).

A chapter is one stored archive: a ZIP whose pages can each be read with one ranged read,
because every `Page` records where its bytes start in the archive (`data_offset`) and how
many there are (`compressed_size`). Sources without that property (RAR, 7z, tar, PDF) are
converted to such a ZIP once, at import (readvault.archives).
"""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils.text import slugify

from readvault.models.age_ratings import age_cap_rule
from stored_media.models import StoredObject
from tenants.scoping import TenantOwned


class ReadingDirection(models.TextChoices):
    LEFT_TO_RIGHT = "ltr", "Left to right"
    RIGHT_TO_LEFT = "rtl", "Right to left (manga)"
    VERTICAL = "vertical", "Vertical"
    WEBTOON = "webtoon", "Webtoon (continuous strip)"


class Genre(models.Model):
    name = models.CharField(max_length=60, unique=True)
    slug = models.SlugField(max_length=60, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Tag(models.Model):
    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Person(models.Model):
    name = models.CharField(max_length=200, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


def visible_rule(tenant, series: str = "") -> Q:
    """The series at the end of the path `series` (empty for a Series itself, "series__",
    "chapter__series__") is published, the site has not hidden it and its age rating is
    within the site's age cap (readvault.models.age_ratings). Nothing passes for an
    unknown or inactive site. Only along foreign keys towards the series (see
    streaming's visible_rule for why a condition on the joined row, not a set of ids)."""
    if tenant is None or not tenant.is_active:
        return Q(pk__in=[])
    hidden = SeriesHiding.objects.for_tenant(tenant).values("series_id")
    shown = Q(**{f"{series}status": Series.Status.PUBLISHED}) & ~Q(**{f"{series}pk__in": hidden})
    return shown & age_cap_rule(tenant.age_cap, series)


class SeriesQuerySet(models.QuerySet):
    def published(self) -> SeriesQuerySet:
        return self.filter(status=Series.Status.PUBLISHED)

    def visible_on(self, tenant) -> SeriesQuerySet:
        """Published series the site has not hidden; nothing for an unknown or inactive site."""
        return self.filter(visible_rule(tenant))


class Series(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"

    class RunStatus(models.TextChoices):
        ONGOING = "ongoing", "Ongoing"
        COMPLETED = "completed", "Completed"
        HIATUS = "hiatus", "On hiatus"
        CANCELLED = "cancelled", "Cancelled"
        UNKNOWN = "unknown", "Unknown"

    class AgeRating(models.TextChoices):
        # ComicInfo's AgeRating values, kept as written so a file's tag round-trips.
        UNKNOWN = "", "Unknown"
        EVERYONE = "Everyone", "Everyone"
        EARLY_CHILDHOOD = "Early Childhood", "Early Childhood"
        KIDS = "Kids to Adults", "Kids to Adults"
        G = "G", "G"
        PG = "PG", "PG"
        EVERYONE_10 = "Everyone 10+", "Everyone 10+"
        TEEN = "Teen", "Teen"
        MA15 = "MA15+", "MA15+"
        MATURE = "Mature 17+", "Mature 17+"
        M = "M", "M"
        R18 = "R18+", "R18+"
        ADULTS_ONLY = "Adults Only 18+", "Adults Only 18+"
        X18 = "X18+", "X18+"
        RATING_PENDING = "Rating Pending", "Rating Pending"

    title = models.CharField(max_length=300)
    sort_title = models.CharField(
        max_length=300, blank=True, help_text="How A to Z lists it (empty: the title)."
    )
    slug = models.SlugField(max_length=320, unique=True)
    alternative_titles = models.JSONField(
        default=list, blank=True, help_text="Other names: native, romaji, translations."
    )
    summary = models.TextField(blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    run_status = models.CharField(
        max_length=10, choices=RunStatus.choices, default=RunStatus.UNKNOWN
    )
    publisher = models.CharField(max_length=200, blank=True)
    language = models.CharField(max_length=16, blank=True, help_text="BCP 47, e.g. ja, en")
    age_rating = models.CharField(
        max_length=20, choices=AgeRating.choices, default=AgeRating.UNKNOWN, blank=True
    )
    year = models.PositiveSmallIntegerField(null=True, blank=True)
    genres = models.ManyToManyField(Genre, blank=True, related_name="series")
    tags = models.ManyToManyField(Tag, blank=True, related_name="series")
    reading_direction = models.CharField(
        max_length=10,
        choices=ReadingDirection.choices,
        default=ReadingDirection.LEFT_TO_RIGHT,
        help_text="How readers open its chapters unless a chapter says otherwise.",
    )
    cover_page = models.ForeignKey(
        "Page",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The page shown as the cover (empty: the first page of the first chapter).",
    )
    anilist_id = models.PositiveIntegerField(null=True, blank=True, unique=True)
    web_url = models.URLField(max_length=500, blank=True)
    is_skeleton = models.BooleanField(
        default=False,
        help_text="Made from file names alone (metadata lookup failed or was not run yet).",
    )
    metadata_error = models.TextField(blank=True, help_text="Why the last lookup failed.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # When its newest chapter was added (empty: none yet), for "recently updated" lists;
    # kept by readvault.catalogue.newest_chapter.
    last_chapter_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = SeriesQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "series"
        ordering = ["sort_title", "title"]
        indexes = [
            models.Index(fields=["status", "-created_at", "-id"], name="series_published_newest"),
            models.Index(fields=["status", "sort_title", "id"], name="series_published_a_z"),
            # "Recently updated" lists read last_chapter_at in order from the index
            # series_recently_updated, made by readvault 0006 (its NULLS LAST is PostgreSQL's:
            # SQLite's indexes cannot say it, and put empty values last anyway).
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs) -> None:
        if not self.sort_title:
            self.sort_title = sort_title_for(self.title)
        if not self.slug:
            self.slug = unique_slug(self)
        super().save(*args, **kwargs)


LEADING_ARTICLES = ("the ", "a ", "an ")


def sort_title_for(title: str) -> str:
    """ "The Promised Neverland" sorts under P."""
    lowered = title.strip().casefold()
    for article in LEADING_ARTICLES:
        if lowered.startswith(article) and len(lowered) > len(article):
            return title.strip()[len(article) :]
    return title.strip()


def unique_slug(series: Series) -> str:
    base = slugify(series.title)[:300] or "series"
    slug, number = base, 2
    while Series.objects.filter(slug=slug).exclude(pk=series.pk).exists():
        slug, number = f"{base}-{number}", number + 1
    return slug


class SeriesCredit(models.Model):
    class Role(models.TextChoices):
        WRITER = "writer", "Writer"
        PENCILLER = "penciller", "Penciller"
        INKER = "inker", "Inker"
        COLORIST = "colorist", "Colorist"
        LETTERER = "letterer", "Letterer"
        COVER_ARTIST = "cover_artist", "Cover artist"
        EDITOR = "editor", "Editor"
        TRANSLATOR = "translator", "Translator"

    series = models.ForeignKey(Series, on_delete=models.CASCADE, related_name="credits")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="credits")
    role = models.CharField(max_length=16, choices=Role.choices)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["series", "order", "role"]
        constraints = [
            models.UniqueConstraint(
                fields=["series", "person", "role"], name="credit_a_person_once_per_role"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} ({self.get_role_display()})"


class SeriesHiding(TenantOwned):
    """A site's choice not to show a series of the shared library."""

    series = models.ForeignKey(Series, on_delete=models.CASCADE, related_name="hidings")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["tenant", "series"], name="hide_a_series_once"),
        ]

    def __str__(self) -> str:
        return f"{self.series} hidden on {self.tenant}"


class Volume(models.Model):
    series = models.ForeignKey(Series, on_delete=models.CASCADE, related_name="volumes")
    number = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["series", "number"]
        constraints = [
            models.UniqueConstraint(fields=["series", "number"], name="one_volume_number"),
        ]

    def __str__(self) -> str:
        return f"{self.series} vol. {self.number}"


class Chapter(models.Model):
    """One readable unit: a chapter, or a whole volume when it came as one file."""

    class SourceFormat(models.TextChoices):
        CBZ = "cbz", "CBZ / ZIP"
        CBR = "cbr", "CBR (RAR)"
        CB7 = "cb7", "CB7 (7z)"
        CBT = "cbt", "CBT (tar)"
        PDF = "pdf", "PDF"
        EPUB = "epub", "EPUB"
        FOLDER = "folder", "Folder of images"

    series = models.ForeignKey(Series, on_delete=models.CASCADE, related_name="chapters")
    volume = models.ForeignKey(
        Volume, null=True, blank=True, on_delete=models.SET_NULL, related_name="chapters"
    )
    # Decimal, not float: chapter 10.5 exists, and 10.1 must stay 10.1. Empty for a volume
    # that came as one file with no chapter number.
    number = models.DecimalField(max_digits=9, decimal_places=3, null=True, blank=True)
    title = models.CharField(max_length=300, blank=True)
    position = models.PositiveIntegerField(
        default=0, help_text="Reading order within the series (renumbering keeps it)."
    )
    release_date = models.DateField(null=True, blank=True)
    page_count = models.PositiveIntegerField(default=0)
    reading_direction = models.CharField(
        max_length=10,
        choices=ReadingDirection.choices,
        blank=True,
        help_text="Empty: the series' direction.",
    )
    archive = models.OneToOneField(StoredObject, on_delete=models.PROTECT, related_name="chapter")
    source_format = models.CharField(max_length=8, choices=SourceFormat.choices)
    kept_as_is = models.BooleanField(
        default=False, help_text="The source archive is stored byte for byte (not converted)."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["series", "position", "number", "id"]
        indexes = [
            models.Index(fields=["series", "position"]),
            # "New chapters" (home, OPDS): the newest first, read from the index until enough
            # rows pass the site's rule, instead of sorting every chapter.
            models.Index(fields=["-created_at", "-id"], name="chapter_newest"),
            # The grid's "recently updated": each series' newest chapter, one index entry.
            models.Index(fields=["series", "-created_at"], name="chapter_series_newest"),
        ]
        constraints = [
            # Chapter numbers run through a series (manga's do); a volume that came as one
            # file has no chapter number and is one per volume.
            models.UniqueConstraint(
                fields=["series", "number"],
                condition=Q(number__isnull=False),
                name="one_chapter_number_per_series",
            ),
            models.UniqueConstraint(
                fields=["series", "volume"],
                condition=Q(number__isnull=True),
                name="one_whole_volume_file",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.series}: {self.label}"

    @property
    def label(self) -> str:
        parts = []
        if self.volume_id is not None and self.volume is not None:
            parts.append(f"Vol. {self.volume.number}")
        if self.number is not None:
            parts.append(f"Ch. {format_number(self.number)}")
        if self.title:
            parts.append(self.title)
        return " ".join(parts) or f"Chapter #{self.pk}"

    @property
    def direction(self) -> str:
        return self.reading_direction or self.series.reading_direction


def format_number(number: Decimal) -> str:
    """10.500 → "10.5", 12.000 → "12"."""
    return format(number.normalize(), "f")


class Page(models.Model):
    """The facts of one page, read at import; the bytes stay in the chapter's archive."""

    class Compression(models.IntegerChoices):
        STORED = 0, "Stored"
        DEFLATE = 8, "Deflate"

    chapter = models.ForeignKey(Chapter, on_delete=models.CASCADE, related_name="pages")
    index = models.PositiveIntegerField(help_text="0 is the first page.")
    member_name = models.CharField(max_length=500)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    format = models.CharField(max_length=8, help_text="jpeg, png, webp, gif, avif")
    size = models.PositiveIntegerField(help_text="Bytes of the image.")
    is_wide = models.BooleanField(default=False, help_text="A double-page spread.")
    data_offset = models.BigIntegerField(help_text="Where the member's bytes start.")
    compressed_size = models.PositiveIntegerField()
    compression = models.PositiveSmallIntegerField(
        choices=Compression.choices, default=Compression.STORED
    )

    class Meta:
        ordering = ["chapter", "index"]
        constraints = [
            models.UniqueConstraint(fields=["chapter", "index"], name="one_page_per_index"),
        ]

    def __str__(self) -> str:
        return f"{self.chapter} p. {self.index + 1}"


class PageImage(models.Model):
    """An image made from a page ahead of reading: a smaller width, a modern format, a cover
    or a thumbnail. Made in the background after import; a reader asking for one that is not
    made yet gets the original page, never a synchronous encode."""

    page = models.ForeignKey(Page, on_delete=models.CASCADE, related_name="images")
    width = models.PositiveIntegerField()
    format = models.CharField(max_length=8, help_text="jpeg, webp, avif")
    stored = models.OneToOneField(StoredObject, on_delete=models.PROTECT, related_name="page_image")

    class Meta:
        ordering = ["page", "width", "format"]
        constraints = [
            models.UniqueConstraint(
                fields=["page", "width", "format"], name="one_page_image_per_width_format"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.page} {self.width}px {self.format}"


def servable_objects_rule(tenant) -> Q:
    """The stored objects `tenant` may serve (registered with stored_media.owners): chapter
    archives and page images of series visible there, each its own EXISTS through the
    one-to-one column's index (see streaming's servable_objects_rule for why)."""
    chapters = Chapter.objects.filter(visible_rule(tenant, "series__"))
    images = PageImage.objects.filter(visible_rule(tenant, "page__chapter__series__"))
    return Exists(chapters.filter(archive=OuterRef("pk"))) | Exists(
        images.filter(stored=OuterRef("pk"))
    )
