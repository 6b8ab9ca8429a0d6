"""Reading the browse page's filters from a query string. Bad values never fail the page:
each is dropped with a sentence for the viewer saying what was ignored."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import F, QuerySet
from django.http import QueryDict

from shadowvault.request_numbers import parse_bounded_int
from streaming.models import Genre, Title

SORTS = {
    "newest": ("Newest", ("-created_at", "-pk")),
    "title": ("Title A to Z", ("title", "year", "pk")),
    "year": ("Release year", (F("year").desc(nulls_last=True), "title", "pk")),
}
FIRST_YEAR, LAST_YEAR = 1870, 2100  # films older than 1870 do not exist


@dataclass
class BrowseFilters:
    kind: str = ""
    genre: Genre | None = None
    year: int | None = None
    sort: str = "newest"
    problems: list[str] = field(default_factory=list)

    @property
    def is_filtered(self) -> bool:
        return bool(self.kind or self.genre or self.year)

    def apply(self, titles: QuerySet[Title]) -> QuerySet[Title]:
        if self.kind:
            titles = titles.filter(kind=self.kind)
        if self.genre is not None:
            titles = titles.in_genre(self.genre)
        if self.year is not None:
            titles = titles.filter(year=self.year)
        return titles.order_by(*SORTS[self.sort][1])


def parse_browse_filters(params: QueryDict, genres: list[Genre]) -> BrowseFilters:
    filters = BrowseFilters()
    kind = params.get("kind", "").strip()
    if kind in Title.Kind.values:
        filters.kind = kind
    elif kind:
        filters.problems.append(f"There is no kind “{kind[:40]}”; showing films and series.")
    slug = params.get("genre", "").strip()
    if slug:
        filters.genre = next((g for g in genres if g.slug == slug), None)
        if filters.genre is None:
            filters.problems.append(f"There is no genre “{slug[:40]}”; showing every genre.")
    year = params.get("year", "").strip()
    if year:
        filters.year = parse_bounded_int(year, FIRST_YEAR, LAST_YEAR)
        if filters.year is None:
            filters.problems.append(
                f"“{year[:40]}” is not a year we know; showing every year. "
                "Use four digits, such as 1999."
            )
    sort = params.get("sort", "").strip()
    if sort in SORTS:
        filters.sort = sort
    elif sort:
        filters.problems.append(f"Unknown order “{sort[:40]}”; showing the newest first.")
    return filters
