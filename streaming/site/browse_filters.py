"""Reading the catalogue's filters from a query string, for the browse page and the API's
title list and search alike. Each bad value is one `Problem`: the browse page drops it and
tells the viewer what it showed instead; the API refuses the request with the reason."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import F
from django.http import QueryDict

from shadowvault.request_numbers import parse_bounded_int
from streaming.models import Genre, Title
from streaming.models.catalogue import TitleQuerySet

SORTS = {
    "newest": ("Newest", ("-created_at", "-pk")),
    "title": ("Title A to Z", ("title", "year", "pk")),
    "year": ("Release year", (F("year").desc(nulls_last=True), "title", "pk")),
}
FIRST_YEAR, LAST_YEAR = 1870, 2100  # films older than 1870 do not exist
YEAR_PARAMS = ("year", "year_from", "year_to")


@dataclass(frozen=True)
class Problem:
    param: str
    said: str  # what was wrong, e.g. There is no kind “cartoon”
    instead: str  # what the browse page shows instead
    hint: str = ""

    @property
    def for_page(self) -> str:
        return " ".join(filter(None, [f"{self.said}; {self.instead}.", self.hint]))

    @property
    def for_client(self) -> str:
        return " ".join(filter(None, [f"{self.said}.", self.hint]))


@dataclass
class BrowseFilters:
    kind: str = ""
    # The Genre picked from the site's list, or (read without the list: the API) the slug as
    # given, which matches no title when no genre has it.
    genre: Genre | str | None = None
    year: int | None = None
    year_from: int | None = None
    year_to: int | None = None
    sort: str = "newest"
    problems: list[Problem] = field(default_factory=list)

    @property
    def is_filtered(self) -> bool:
        return bool(self.kind or self.genre or self.year or self.year_from or self.year_to)

    def apply(self, titles: TitleQuerySet) -> TitleQuerySet:
        if self.kind:
            titles = titles.filter(kind=self.kind)
        if self.genre:
            titles = titles.in_genre(self.genre)  # EXISTS: a title with two genres once
        if self.year is not None:
            titles = titles.filter(year=self.year)
        if self.year_from is not None:
            titles = titles.filter(year__gte=self.year_from)
        if self.year_to is not None:
            titles = titles.filter(year__lte=self.year_to)
        return titles.order_by(*SORTS[self.sort][1])


def parse_browse_filters(params: QueryDict, genres: list[Genre] | None = None) -> BrowseFilters:
    """`genres`: the site's genres, to check a slug against (the browse page lists them
    anyway); None takes the slug as given, so reading the filters costs no query."""
    filters = BrowseFilters()
    kind = params.get("kind", "").strip()
    if kind in Title.Kind.values:
        filters.kind = kind
    elif kind:
        filters.problems.append(
            Problem("kind", f"There is no kind “{kind[:40]}”", "showing films and series")
        )
    slug = params.get("genre", "").strip()[:60]
    if slug and genres is not None:
        filters.genre = next((g for g in genres if g.slug == slug), None)
        if filters.genre is None:
            filters.problems.append(
                Problem("genre", f"There is no genre “{slug[:40]}”", "showing every genre")
            )
    elif slug:
        filters.genre = slug
    for name in YEAR_PARAMS:
        _read_year(params, name, filters)
    sort = params.get("sort", "").strip()
    if sort in SORTS:
        filters.sort = sort
    elif sort:
        filters.problems.append(
            Problem("sort", f"Unknown order “{sort[:40]}”", "showing the newest first")
        )
    return filters


def _read_year(params: QueryDict, name: str, filters: BrowseFilters) -> None:
    raw = params.get(name, "").strip()
    if not raw:
        return
    year = parse_bounded_int(raw, FIRST_YEAR, LAST_YEAR)
    if year is None:
        filters.problems.append(
            Problem(
                name,
                f"“{raw[:40]}” is not a year we know",
                "showing every year",
                "Use four digits, such as 1999.",
            )
        )
    setattr(filters, name, year)
