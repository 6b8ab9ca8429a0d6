"""The manga grid's filters (run status, genre, language, reading direction) and orders, read
from a query string. A bad value is a `Problem`: the page drops it, shows a warning saying
what it showed instead, and never fails (StreamVault's browse does the same for films)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import F, QuerySet
from django.db.models.expressions import Combinable
from django.http import QueryDict

from readvault.models import Genre, ReadingDirection, Series

# key -> (label, what to order by). Every order ends on the id, so pages never overlap.
SORTS: dict[str, tuple[str, tuple[str | Combinable, ...]]] = {
    "title": ("A to Z", ("sort_title", "pk")),
    "newest": ("Newest", ("-created_at", "-pk")),
    # Series.last_chapter_at, in the order of its index (series_recently_updated).
    "updated": ("Recently updated", (F("last_chapter_at").desc(nulls_last=True), "-pk")),
}
DEFAULT_SORT = "title"
LONGEST_SHOWN = 40  # how much of a bad value the warning repeats


@dataclass(frozen=True)
class Problem:
    param: str
    said: str  # what was wrong: There is no genre “x”
    instead: str  # what the page shows instead

    @property
    def for_page(self) -> str:
        return f"{self.said}; {self.instead}."


@dataclass
class MangaFilters:
    run_status: str = ""
    genre: Genre | None = None
    language: str = ""
    direction: str = ""
    sort: str = DEFAULT_SORT
    problems: list[Problem] = field(default_factory=list)

    @property
    def is_filtered(self) -> bool:
        return bool(self.run_status or self.genre or self.language or self.direction)

    def apply(self, series: QuerySet[Series]) -> QuerySet[Series]:
        if self.run_status:
            series = series.filter(run_status=self.run_status)
        if self.genre is not None:
            series = series.filter(genres=self.genre)  # one row per series: one genre asked
        if self.language:
            series = series.filter(language=self.language)
        if self.direction:
            series = series.filter(reading_direction=self.direction)
        return series.order_by(*SORTS[self.sort][1])


def parse_manga_filters(
    params: QueryDict, genres: list[Genre], languages: list[str]
) -> MangaFilters:
    """`genres` and `languages`: what the page offers, to check the values against."""
    filters = MangaFilters()
    filters.run_status = _choice(
        params, "status", Series.RunStatus.values, "run status", "showing every status", filters
    )
    slug = _value(params, "genre")
    if slug:
        filters.genre = next((genre for genre in genres if genre.slug == slug), None)
        if filters.genre is None:
            _problem(filters, "genre", f"There is no genre “{_short(slug)}”", "showing every genre")
    filters.language = _choice(
        params, "language", languages, "language", "showing every language", filters
    )
    filters.direction = _choice(
        params,
        "direction",
        ReadingDirection.values,
        "reading direction",
        "showing every direction",
        filters,
    )
    sort = _value(params, "sort")
    if sort in SORTS:
        filters.sort = sort
    elif sort:
        _problem(filters, "sort", f"Unknown order “{_short(sort)}”", "showing A to Z")
    return filters


def _choice(params, name, allowed, noun, instead, filters: MangaFilters) -> str:
    value = _value(params, name)
    if value and value not in allowed:
        _problem(filters, name, f"There is no {noun} “{_short(value)}”", instead)
        return ""
    return value


def _value(params: QueryDict, name: str) -> str:
    return params.get(name, "").strip()


def _short(value: str) -> str:
    return value[:LONGEST_SHOWN]


def _problem(filters: MangaFilters, param: str, said: str, instead: str) -> None:
    filters.problems.append(Problem(param, said, instead))
