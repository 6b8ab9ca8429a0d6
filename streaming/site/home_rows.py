"""What the home page shows: a featured title and rows, in a fixed number of queries.

Rows: continue watching (signed-in viewers), newest, the site's biggest genres, collections.
Each row is one query with a LIMIT whatever the catalogue's size; the number of genre and
collection rows is capped, so the page's query count does not grow with the catalogue.
Which genres are the biggest is the one answer that reads the whole catalogue, so it is
kept per site for a few minutes; the rows themselves are read on every visit.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

from django.core.cache import cache
from django.db.models import Count, Exists, OuterRef, Prefetch
from django.urls import reverse

from streaming.models import Collection, CollectionEntry, Genre, Title, WatchProgress
from streaming.models.catalogue import visible_rule
from streaming.viewer import activity

ROW_LENGTH = 12
GENRE_ROWS = 3
COLLECTION_ROWS = 2
BIGGEST_GENRES_SECONDS = 300


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
    # What a site's arranged home page (curation.home.CuratedHome) has and this one lacks.
    curated: ClassVar[bool] = False
    featured_card: ClassVar[None] = None

    @property
    def is_empty(self) -> bool:
        return self.featured is None

    @property
    def in_progress_explained(self) -> str:
        return activity.IN_PROGRESS_EXPLAINED


def home_rows(tenant, user) -> HomeRows:
    visible = Title.objects.visible_on(tenant)
    newest = list(visible.order_by("-created_at", "-pk")[:ROW_LENGTH])
    if not newest:
        return HomeRows()  # an empty catalogue has nothing in any row
    home = HomeRows(featured=featured_of(newest))
    if user.is_authenticated:
        home.continue_watching = [
            resume_card(row) for row in activity.continue_watching(tenant, user, ROW_LENGTH)
        ]
    home.rows.append(Row("new", "New on the site", newest, reverse("browse") + "?sort=newest"))
    home.rows.extend(genre_rows(tenant, visible))
    home.rows.extend(collection_rows(tenant))
    return home


def featured_of(newest: list[Title]) -> Title:
    """The newest title with artwork, so the hero has a picture when one exists."""
    return next((t for t in newest if t.backdrop or t.poster), newest[0])


def genre_rows(tenant, visible) -> list[Row]:
    browse = reverse("browse")
    return [
        Row(
            f"genre-{genre.slug}",
            genre.name,
            list(visible.in_genre(genre).order_by("-created_at", "-pk")[:ROW_LENGTH]),
            f"{browse}?genre={genre.slug}",
        )
        for genre in _biggest_genres(tenant, visible)
    ]


def _biggest_genres(tenant, visible) -> list[Genre]:
    """The GENRE_ROWS genres with the most titles the site shows, kept for a few minutes.

    Counting reads every visible title's genres (about 50 ms at 50,000 titles on
    PostgreSQL, and growing with the catalogue), while which genres lead changes slowly.
    Nothing shown depends on the cached answer being fresh: the rows are read on each visit,
    so a title published or unpublished (even by the admin's bulk actions, which send no
    signals) shows or goes at once; a genre that grows may wait a few minutes for its row.
    """
    key = f"home:biggest-genres:{tenant.pk}"
    genres = cache.get(key)
    if genres is None:
        genres = list(
            Genre.objects.filter(titles__in=visible)
            .annotate(shown=Count("titles"))
            .order_by("-shown", "name")[:GENRE_ROWS]
        )
        cache.set(key, genres, BIGGEST_GENRES_SECONDS)
    return genres


def collection_rows(tenant) -> list[Row]:
    shown = CollectionEntry.objects.filter(visible_rule(tenant, "title__"))
    # A sliced Prefetch is one query (a window function per collection), not one per row.
    entries = shown.select_related("title").order_by("order", "pk")[:ROW_LENGTH]
    # EXISTS per collection, in name order: the first ones with a title the site shows end
    # the scan, where a join with DISTINCT read every entry of every collection.
    collections = (
        Collection.objects.filter(Exists(shown.filter(collection=OuterRef("pk"))))
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
    title = media.owner_title
    label = str(media.episode) if media.episode_id else ""
    duration = progress.duration_seconds or media.duration_seconds or 0
    percent = round(100 * progress.position_seconds / duration) if duration else 0
    return ResumeCard(
        title=title,
        label=label,
        percent=max(0, min(percent, 100)),
        watch_url=reverse("watch", args=[media.pk]),
    )
