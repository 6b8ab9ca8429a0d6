"""What the home page shows: a featured title and rows, in a fixed number of queries.

Rows: continue watching (signed-in viewers), newest, the site's biggest genres, collections.
Each row is one query with a LIMIT whatever the catalogue's size; the number of genre and
collection rows is capped, so the page's query count does not grow with the catalogue.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, Prefetch
from django.urls import reverse

from streaming import viewer_data
from streaming.models import Collection, CollectionEntry, Genre, Title, WatchProgress
from streaming.site.access import owner_title

ROW_LENGTH = 12
GENRE_ROWS = 3
COLLECTION_ROWS = 2


@dataclass
class Row:
    key: str
    heading: str
    titles: list[Title]
    see_all_url: str | None = None


@dataclass
class ResumeCard:
    """A continue-watching entry: what it is, how far the viewer got, where to go on."""

    title: Title
    label: str
    percent: int
    watch_url: str


@dataclass
class HomeRows:
    featured: Title | None = None
    continue_watching: list[ResumeCard] = field(default_factory=list)
    rows: list[Row] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return self.featured is None


def home_rows(tenant, user) -> HomeRows:
    visible = Title.objects.visible_on(tenant)
    newest = list(visible.order_by("-created_at", "-pk")[:ROW_LENGTH])
    if not newest:
        return HomeRows()  # an empty catalogue has nothing in any row
    home = HomeRows(featured=_featured(newest))
    if user.is_authenticated:
        home.continue_watching = [
            resume_card(row) for row in viewer_data.continue_watching(tenant, user, ROW_LENGTH)
        ]
    home.rows.append(Row("new", "New on the site", newest, reverse("browse") + "?sort=newest"))
    home.rows.extend(_genre_rows(visible))
    home.rows.extend(_collection_rows(visible))
    return home


def _featured(newest: list[Title]) -> Title:
    """The newest title with artwork, so the hero has a picture when one exists."""
    return next((t for t in newest if t.backdrop or t.poster), newest[0])


def _genre_rows(visible) -> list[Row]:
    genres = (
        Genre.objects.filter(titles__in=visible)
        .annotate(shown=Count("titles"))
        .order_by("-shown", "name")[:GENRE_ROWS]
    )
    browse = reverse("browse")
    return [
        Row(
            f"genre-{genre.slug}",
            genre.name,
            list(visible.filter(genres=genre).order_by("-created_at", "-pk")[:ROW_LENGTH]),
            f"{browse}?genre={genre.slug}",
        )
        for genre in genres
    ]


def _collection_rows(visible) -> list[Row]:
    # A sliced Prefetch is one query (a window function per collection), not one per row.
    entries = (
        CollectionEntry.objects.filter(title__in=visible)
        .select_related("title")
        .order_by("order", "pk")[:ROW_LENGTH]
    )
    collections = (
        Collection.objects.filter(entries__title__in=visible)
        .distinct()
        .order_by("name")
        .prefetch_related(Prefetch("entries", queryset=entries, to_attr="shown_entries"))[
            :COLLECTION_ROWS
        ]
    )
    return [
        Row(f"collection-{c.slug}", c.name, [entry.title for entry in c.shown_entries])
        for c in collections
    ]


def resume_card(progress: WatchProgress) -> ResumeCard:
    media = progress.media_file
    title = owner_title(media)
    label = str(media.episode) if media.episode_id else ""
    duration = progress.duration_seconds or media.duration_seconds or 0
    percent = round(100 * progress.position_seconds / duration) if duration else 0
    return ResumeCard(
        title=title,
        label=label,
        percent=max(0, min(percent, 100)),
        watch_url=reverse("watch", args=[media.pk]),
    )
