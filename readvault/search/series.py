"""Series search: `search_series` for the search page, `typeahead_series` for the search box,
both registered as the "manga" search source (shadowvault.search_sources) in ReadVault's
ready().

Every read starts from `Series.objects.visible_on(tenant)`, so drafts and series a site hid
never come out, whatever the query. Bad input never raises: a query is reduced to its words
(shadowvault.search_matching), so an empty one, one of 10 kB, FTS syntax or NUL find
nothing or find by their words.

A search reads candidates in one query: the series whose names (title and alternative
titles) hold every word as typed. When none of them has every word as a word or the start
of one, a second query reads the series whose names resemble the words, which is what
forgives typing slips ("nruto"). How each database does it: readvault.search.postgres
(trigram GIN index) and readvault.search.sqlite (trigram FTS5). Either way the candidates,
at most POOL per read, are then ranked here by shadowvault.search_matching's score, the same
on both databases: the same words, then names starting with them, then words starting with
them, then slips. Queries per call: 1, or 2 with the second read; none for a query without
words or a site that shows nothing. The hits' covers, signed for the viewer, are added by
`decorate_series_hits` (readvault.search.covers), the source's decorate hook.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import ModuleType
from typing import Any

from django.db import connections
from django.urls import reverse

from readvault.models import Series
from readvault.search import postgres, sqlite
from shadowvault.search_matching import Query, best_name, words_found
from shadowvault.search_sources import SearchHit, SourcePage

KIND = "manga"
LABEL = "Manga"
POOL = 100  # candidates read per query; more matches than that: "100+"
TYPEAHEAD_POOL = 30
DEFAULT_LIMIT = 24
MAX_LIMIT = 100
TYPEAHEAD_LIMIT = 8
TYPEAHEAD_MIN_CHARS = 2
_FIELDS = ("pk", "title", "sort_title", "alternative_titles", "slug", "year")
_BACKENDS: dict[str, ModuleType] = {"postgresql": postgres, "sqlite": sqlite}


@dataclass(frozen=True)
class Found:
    """A candidate series with its score and the name that scored it."""

    row: dict[str, Any]
    score: float
    name: str
    as_typed: bool  # its best name has every word as a word or the start of one


def search_series(query: str, tenant, *, limit: int = DEFAULT_LIMIT, offset: int = 0) -> SourcePage:
    """One page of the series `tenant`'s site shows that match `query`, best first."""
    found, capped = ranked(Query.of(query), tenant, POOL)
    start = _bounded(offset, 0, POOL, 0)
    page = found[start : start + _bounded(limit, 1, MAX_LIMIT, DEFAULT_LIMIT)]
    return SourcePage([hit_of(f) for f in page], len(found), capped)


def typeahead_series(prefix: str, tenant, *, limit: int = TYPEAHEAD_LIMIT) -> list[SearchHit]:
    """Series whose names start like `prefix` (the last word may be unfinished), or are
    near it, best first. Fewer than TYPEAHEAD_MIN_CHARS letters give nothing."""
    query = Query.of(prefix, prefix=True)
    if sum(len(word) for word in query.words) < TYPEAHEAD_MIN_CHARS:
        return []
    found, _ = ranked(query, tenant, TYPEAHEAD_POOL)
    return [hit_of(f) for f in found[: _bounded(limit, 1, TYPEAHEAD_POOL, TYPEAHEAD_LIMIT)]]


def ranked(query: Query, tenant, size: int) -> tuple[list[Found], bool]:
    """The visible series matching `query`, best first, and whether a read was full (so
    more may match than were read)."""
    if not query.words:
        return [], False
    visible = Series.objects.visible_on(tenant)
    backend = _BACKENDS[connections[visible.db].vendor]
    rows = list(backend.holding(visible, query, size).values(*_FIELDS))
    capped = len(rows) >= size
    found = _scored(query, rows)
    if not any(f.as_typed for f in found):
        more = list(backend.resembling(visible, query, size).values(*_FIELDS))
        capped = capped or len(more) >= size
        found = _scored(query, rows + more)
    return found, capped


def _scored(query: Query, rows: list[dict[str, Any]]) -> list[Found]:
    found: dict[int, Found] = {}
    for row in rows:
        if row["pk"] in found:
            continue
        score, name = best_name(query, names_of(row))
        if score > 0:
            found[row["pk"]] = Found(row, score, name, words_found(query, name))
    return sorted(found.values(), key=lambda f: (-f.score, f.row["sort_title"], f.row["pk"]))


def names_of(row: dict[str, Any]) -> list[str]:
    """The title and the alternative titles (the JSON list may hold anything: only its
    strings count)."""
    alternatives = row["alternative_titles"]
    others = (
        [n for n in alternatives if isinstance(n, str)] if isinstance(alternatives, list) else []
    )
    return [row["title"], *others]


def hit_of(found: Found) -> SearchHit:
    row = found.row
    also = found.name if found.name != row["title"] else ""
    return SearchHit(
        kind=KIND,
        title=row["title"],
        url=reverse("series-page", args=[row["slug"]]),
        score=found.score,
        year=row["year"],
        extra=f"Also known as {also}" if also else "",
        label=LABEL,
        key=row["pk"],
    )


def _bounded(value, lowest: int, highest: int, default: int) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError, OverflowError):
        return default
    return min(max(number, lowest), highest)
