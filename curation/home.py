"""The home page of a site whose owner arranged it (curation.models), in a fixed number of
queries whatever the number of rows and picks: the rows one query, every pick one query
(the site's visibility rules applied in SQL, so a title or series the site hides, takes down
or has not published silently leaves its row), each built-in row as many as the default page
spends on it, and the genres' and collections' rows one query each kind (a sliced prefetch:
a window function per genre or collection, not a query per row).

Whether a site curates its home page is kept in the cache, so the default page (the sites
that do not) runs no query more than it did; curation.editing resets it on every change.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.cache import cache
from django.db.models import Prefetch, Q
from django.urls import reverse
from django.utils.safestring import SafeString

from curation.models import MAX_ROWS, HomeRow, Pick, RowKind
from readvault import plan_gate
from readvault.models import Series
from readvault.models.library import visible_rule as series_visible_rule
from readvault.pages.links import cover_urls
from readvault.site.home_sections import COVER_WIDTH
from shadowvault.site_sections import home_section
from streaming.models import Collection, CollectionEntry, Genre, Title
from streaming.models.catalogue import visible_rule as title_visible_rule
from streaming.site.home_rows import (
    ROW_LENGTH,
    HomeRows,
    ResumeCard,
    collection_rows,
    featured_of,
    genre_rows,
    home_rows,
    resume_card,
)
from streaming.viewer import activity
from tenants.request_types import SiteRequest

# The registered home sections (shadowvault.site_sections) a built-in row places.
SECTION_KEYS = {
    RowKind.CONTINUE_READING: "readvault-continue",
    RowKind.NEW_CHAPTERS: "readvault-new-chapters",
}


@dataclass(frozen=True)
class Card:
    """A pick on the page: a title, or a series with its cover's link."""

    title: Title | None = None
    series: Series | None = None
    cover: str | None = None


@dataclass
class Shelf:
    """One row as the page shows it; only the list its kind fills is non-empty."""

    key: str
    heading: str
    titles: list[Title] = field(default_factory=list)
    cards: list[Card] = field(default_factory=list)
    resume: list[ResumeCard] = field(default_factory=list)
    html: SafeString | str = ""  # a registered section's (ReadVault's rows)
    see_all_url: str | None = None

    @property
    def has_content(self) -> bool:
        return bool(self.titles or self.cards or self.resume or self.html)


@dataclass(frozen=True)
class Chosen:
    """What the rows draw from, read once for all of them: the picks' cards by row (None:
    the hero's), and the titles of the genres and collections rows name, by id."""

    cards: dict[int | None, list[Card]]
    genres: dict[int, list[Title]]
    collections: dict[int, list[Title]]


@dataclass
class CuratedHome:
    featured: Title | None = None
    featured_card: Card | None = None  # a featured series (when the first pick is one)
    shelves: list[Shelf] = field(default_factory=list)
    curated: bool = True

    @property
    def is_empty(self) -> bool:
        return self.featured is None and self.featured_card is None and not self.shelves

    @property
    def in_progress_explained(self) -> str:
        return activity.IN_PROGRESS_EXPLAINED


def curates_key(tenant_pk: int) -> str:
    return f"curation:curates:{tenant_pk}"


def home_page(request: SiteRequest) -> HomeRows | CuratedHome:
    """The site's curated home page, or the default one when it has no rows."""
    tenant = request.tenant
    curates = cache.get(curates_key(tenant.pk))
    if curates is None:
        curates = HomeRow.objects.for_tenant(tenant).exists()
        cache.set(curates_key(tenant.pk), curates, None)
    if not curates:
        return home_rows(tenant, request.user)
    return curated_home(request)


def curated_home(request: SiteRequest) -> CuratedHome:
    tenant = request.tenant
    rows = list(
        HomeRow.objects.for_tenant(tenant)
        .filter(hidden=False)
        .select_related("genre", "collection")
        .order_by("position", "pk")[:MAX_ROWS]
    )
    picks = _shown_picks(request)
    covers = cover_urls([p.series_id for p in picks if p.series_id], request, COVER_WIDTH)
    cards: dict[int | None, list[Card]] = {}
    for pick in picks:
        card = Card(pick.title, pick.series, covers.get(pick.series_id or 0))
        cards.setdefault(pick.row_id, []).append(card)
    visible = Title.objects.visible_on(tenant)
    newest = list(visible.order_by("-created_at", "-pk")[:ROW_LENGTH])
    home = _with_featured(cards.get(None, []), newest)
    chosen = Chosen(cards, _genre_titles(tenant, rows), _collection_titles(tenant, rows))
    for row in rows:
        home.shelves.extend(_shelves(request, row, newest, visible, chosen))
    home.shelves = [shelf for shelf in home.shelves if shelf.has_content]
    return home


def _shown_picks(request: SiteRequest) -> list[Pick]:
    """Every pick of the shown rows and the hero that the site shows, in order: one query.
    Picks are capped where they are added, so this reads at most 12 x 13 rows."""
    tenant = request.tenant
    shown = Q(title__isnull=False) & title_visible_rule(tenant, "title__")
    if not plan_gate.refusal(request):
        shown |= Q(series__isnull=False) & series_visible_rule(tenant, "series__")
    return list(
        Pick.objects.for_tenant(tenant)
        .filter(Q(row__isnull=True) | Q(row__hidden=False))
        .filter(shown)
        .select_related("title", "series")
        .order_by("position", "pk")
    )


def _with_featured(picks: list[Card], newest: list[Title]) -> CuratedHome:
    """The hero: the first featured pick the site shows, else the default rule."""
    if picks:
        first = picks[0]
        if first.title is not None:
            return CuratedHome(featured=first.title)
        return CuratedHome(featured_card=first)
    return CuratedHome(featured=featured_of(newest) if newest else None)


def _genre_titles(tenant, rows: list[HomeRow]) -> dict[int, list[Title]]:
    """The newest titles of every genre row's genre: the genres, and their titles in one
    query (a LIMIT per genre through a window function); none for no genre row."""
    ids = {row.genre_id for row in rows if row.genre_id}
    if not ids:
        return {}
    titles = Title.objects.visible_on(tenant).order_by("-created_at", "-pk")[:ROW_LENGTH]
    genres = Genre.objects.filter(pk__in=ids).prefetch_related(
        Prefetch("titles", queryset=titles, to_attr="home_titles")
    )
    return {genre.pk: genre.home_titles for genre in genres}


def _collection_titles(tenant, rows: list[HomeRow]) -> dict[int, list[Title]]:
    """The titles the site shows of every collection row's collection, in the collection's
    order: as for genres, two queries for any number of rows."""
    ids = {row.collection_id for row in rows if row.collection_id}
    if not ids:
        return {}
    entries = CollectionEntry.objects.filter(title_visible_rule(tenant, "title__"))
    entries = entries.select_related("title").order_by("order", "pk")[:ROW_LENGTH]
    collections = Collection.objects.filter(pk__in=ids).prefetch_related(
        Prefetch("entries", queryset=entries, to_attr="home_entries")
    )
    return {c.pk: [entry.title for entry in c.home_entries] for c in collections}


def _shelves(request: SiteRequest, row: HomeRow, newest, visible, chosen: Chosen) -> list[Shelf]:
    key = f"row-{row.pk}"
    kind = RowKind(row.kind)
    if kind is RowKind.PICKED:
        return [Shelf(key, row.label, cards=chosen.cards.get(row.pk, []))]
    if kind is RowKind.NEWEST:
        see_all = reverse("browse") + "?sort=newest"
        return [Shelf(key, row.label, titles=newest, see_all_url=see_all)]
    if kind is RowKind.CONTINUE_WATCHING:
        return [Shelf(key, row.label, resume=_resume(request))]
    if kind is RowKind.GENRE and row.genre is not None:
        see_all = f"{reverse('browse')}?genre={row.genre.slug}"
        titles = chosen.genres.get(row.genre.pk, [])
        return [Shelf(key, row.label, titles=titles, see_all_url=see_all)]
    if kind is RowKind.COLLECTION and row.collection is not None:
        return [Shelf(key, row.label, titles=chosen.collections.get(row.collection.pk, []))]
    if kind is RowKind.BIGGEST_GENRES:
        return [_from_default(r) for r in genre_rows(request.tenant, visible)]
    if kind is RowKind.COLLECTIONS:
        return [_from_default(r) for r in collection_rows(request.tenant)]
    if kind in SECTION_KEYS:
        return [Shelf(key, row.label, html=home_section(request, SECTION_KEYS[kind]))]
    return []


def _resume(request: SiteRequest) -> list[ResumeCard]:
    if not request.user.is_authenticated:
        return []
    progress = activity.continue_watching(request.tenant, request.user, ROW_LENGTH)
    return [resume_card(row) for row in progress]


def _from_default(row) -> Shelf:
    return Shelf(row.key, row.heading, titles=row.titles, see_all_url=row.see_all_url)
