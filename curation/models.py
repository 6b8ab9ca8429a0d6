"""A site's home page as its owner arranged it: rows in order, and picks (titles or series)
in the hand-picked rows and in the hero.

A site with no rows keeps the default home page (streaming.site.home_rows); its first row
turns curation on. The home page reads every row and every pick in a fixed number of
queries, so both are capped here, where they are added (curation.editing).
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from tenants.scoping import TenantOwned

MAX_ROWS = 12
MAX_PICKS = 12  # per row, and in the hero: streaming.site.home_rows.ROW_LENGTH


class RowKind(models.TextChoices):
    PICKED = "picked", "Hand-picked titles and series"
    CONTINUE_WATCHING = "continue_watching", "Continue watching"
    NEWEST = "newest", "New on the site"
    BIGGEST_GENRES = "biggest_genres", "The three biggest genres"
    GENRE = "genre", "A genre"
    COLLECTIONS = "collections", "Two collections"
    COLLECTION = "collection", "A collection"
    CONTINUE_READING = "continue_reading", "Continue reading (manga)"
    NEW_CHAPTERS = "new_chapters", "New chapters (manga)"

    @property
    def needs_heading(self) -> bool:
        return self is RowKind.PICKED


# The rows a site starts from when its owner begins curating: today's default page.
DEFAULT_ROWS = (
    RowKind.CONTINUE_WATCHING,
    RowKind.NEWEST,
    RowKind.BIGGEST_GENRES,
    RowKind.COLLECTIONS,
    RowKind.CONTINUE_READING,
    RowKind.NEW_CHAPTERS,
)


class HomeRow(TenantOwned):
    kind = models.CharField(max_length=20, choices=RowKind.choices)
    # The row's heading on the page; empty: the kind's own (a genre's or collection's name).
    heading = models.CharField(max_length=80, blank=True)
    genre = models.ForeignKey(
        "streaming.Genre", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    collection = models.ForeignKey(
        "streaming.Collection", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    position = models.PositiveIntegerField(default=0)
    hidden = models.BooleanField(default=False)

    class Meta:
        ordering = ["position", "pk"]
        indexes = [models.Index(fields=["tenant", "position"])]
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind="genre") & Q(genre__isnull=False))
                | (~Q(kind="genre") & Q(genre__isnull=True)),
                name="curation_genre_row_names_its_genre",
            ),
            models.CheckConstraint(
                condition=(Q(kind="collection") & Q(collection__isnull=False))
                | (~Q(kind="collection") & Q(collection__isnull=True)),
                name="curation_collection_row_names_its_collection",
            ),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        """The heading the page shows (the owner's, else the genre's or collection's name)."""
        if self.heading:
            return self.heading
        if self.genre is not None:
            return self.genre.name
        if self.collection is not None:
            return self.collection.name
        return RowKind(self.kind).label


class Pick(TenantOwned):
    """A title or a series in a hand-picked row, or in the hero when `row` is empty."""

    row = models.ForeignKey(
        HomeRow, null=True, blank=True, on_delete=models.CASCADE, related_name="picks"
    )
    title = models.ForeignKey(
        "streaming.Title", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    series = models.ForeignKey(
        "readvault.Series", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]
        indexes = [models.Index(fields=["tenant", "row", "position"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(title__isnull=False, series__isnull=True)
                | Q(title__isnull=True, series__isnull=False),
                name="curation_pick_is_a_title_or_a_series",
            ),
        ]

    def __str__(self) -> str:
        return str(self.title or self.series)

    @property
    def item(self):
        return self.title or self.series
