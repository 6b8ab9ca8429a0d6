"""Searching the catalogue: the one function the site, the API and the admin call.

Every search starts from `Title.objects.visible_on(tenant)`, so drafts and titles a site hid
never come out, whatever the query. Bad input never raises: an empty query browses, a long
one is cut, syntax characters are dropped (streaming.search.terms), filter values that name
nothing match nothing, and a year bound that is not a number is ignored.

A word search reads a bounded pool of matches: the first POOL visible titles with the words
in their title and the first POOL with them anywhere (on SQLite, the 2 x POOL best by bm25);
filters, ranking and sorts apply within the pool. When the words match fewer titles than
that (nearly every query with a distinctive word) the answer is exact; when they match more
("the", "night"), `total_is_capped` is set and the answer comes from the pool, and more
words narrow it. Reading every match of a word that half of a million titles use takes most
of a second; the pool keeps searches at a million titles in tens of milliseconds
(bench/search.py). Browsing (no words) is exact, up to MAX_RESULTS.

Neighbouring words are also matched written as one ("shadow vault" finds ShadowVault). When
the words find nothing, a second try: numbers that can be years become a release-year filter
("2026", "heat 1995"), then each word may stand for its spelling fix, for the title words it
is inside ("vault" in ShadowVault) and, with a neighbour, for a respelt joined word ("shdow
vault"); typeahead takes the same second try when no title word starts with what was typed.

Queries per call, whatever the catalogue's size: a word search 2 on PostgreSQL, 3 on SQLite,
one more with filters or another sort, at most 7 when its spelling is fixed; browsing 2;
typeahead 2 on PostgreSQL, 3 on SQLite, at most 7 when it takes the second try.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from types import ModuleType

from django.db import connections
from django.db.models import F, Q, QuerySet

from streaming.models import MediaFile, Title
from streaming.models.catalogue import TitleQuerySet
from streaming.search import postgres, sqlite
from streaming.search.terms import (
    QueryTerm,
    alternatives,
    is_year,
    spelt_as,
    terms_of,
    with_neighbours_joined,
)

MAX_RESULTS = 1000  # browsing; a word search has at most 2 x POOL
POOL = 250  # matches read per word search from the title index and from the full index
DEFAULT_LIMIT = 20
MAX_LIMIT = 100
TYPEAHEAD_LIMIT = 8
TYPEAHEAD_MAX_LIMIT = 20
TYPEAHEAD_POOL = 200  # titles ranked for a typeahead answer
TYPEAHEAD_MIN_CHARS = 2  # a one-letter prefix matches a good part of the catalogue

SORTS = ("relevance", "newest", "title", "year")
ORDERINGS = {
    "newest": ("-created_at", "-pk"),  # newest in the catalogue
    "title": ("title", "year", "pk"),
    "year": (F("year").desc(nulls_last=True), "title", "pk"),  # latest release first
}
_SLUG = re.compile(r"[-a-zA-Z0-9_]{1,60}")
_LANGUAGE = re.compile(r"[A-Za-z0-9-]{1,16}")  # as stored by ingest, e.g. "en", "pt-BR", "eng"
_BACKENDS: dict[str, ModuleType] = {"postgresql": postgres, "sqlite": sqlite}


@dataclass(frozen=True)
class SearchResult:
    titles: list[Title] = field(default_factory=list)
    total: int = 0
    corrected_query: str | None = None  # set when the words were respelt to find anything
    # More titles match than were read (a word search's pool was full, or browsing reached
    # MAX_RESULTS): show "500+" rather than "500", and invite more words.
    total_is_capped: bool = False


def search_titles(
    query: str,
    tenant,
    *,
    kind: str | None = None,
    genre: str | None = None,
    year_from: int | str | None = None,
    year_to: int | str | None = None,
    language: str | None = None,
    sort: str = "relevance",
    limit: int = DEFAULT_LIMIT,
    offset: int = 0,
) -> SearchResult:
    """The titles of `tenant`'s site that match `query` and the filters, one page of them.

    `kind` is "film" or "series"; `genre` a genre slug; `year_from`/`year_to` bound the
    release year (inclusive); `language` keeps titles with a media file (theirs or an
    episode's) whose audio languages include that code as ingest stored it. `sort` is
    "relevance" (best match first; newest first when there are no words), "newest" (latest
    added), "title" or "year" (latest release first); anything else means relevance.
    For related rows a page shows, prefetch them on the list:
    `prefetch_related_objects(result.titles, "genres")`.
    """
    visible = Title.objects.visible_on(tenant)
    titles = _filtered(visible, kind, genre, year_from, year_to, language)
    limit = _bounded(limit, 1, MAX_LIMIT, DEFAULT_LIMIT)
    offset = _bounded(offset, 0, MAX_RESULTS, 0)
    order = ORDERINGS.get(sort) if sort in SORTS else None
    terms = terms_of(query)
    if not terms:
        ordered = titles.order_by(*(order or ORDERINGS["newest"]))
        ids = list(ordered.values_list("pk", flat=True)[:MAX_RESULTS])
        return _page(titles, ids, offset, limit, capped=len(ids) >= MAX_RESULTS)
    backend, connection = _backend(titles)
    narrowed = titles is not visible
    ids, capped = _find(backend, visible, titles, with_neighbours_joined(terms), order, narrowed)
    if ids:
        return _page(titles, ids, offset, limit, capped=capped)
    years = [int(term) for term in terms if is_year(term)]
    if years:
        # "2026", "heat 1995": the numbers are no title's words; read them as release years.
        titles = titles.filter(year__in=years)
        terms = [term for term in terms if not is_year(term)]
        if not terms:
            ordered = titles.order_by(*(order or ORDERINGS["newest"]))
            ids = list(ordered.values_list("pk", flat=True)[:MAX_RESULTS])
            return _page(titles, ids, offset, limit, capped=len(ids) >= MAX_RESULTS)
        ids, capped = _find(backend, visible, titles, terms, order, narrowed=True)
        if ids:
            return _page(titles, ids, offset, limit, capped=capped)
        narrowed = True
    vocabulary = backend.vocabulary(connection, terms)
    groups = alternatives(terms, vocabulary)
    if groups == [(term,) for term in terms]:
        return SearchResult()  # nothing else they could have meant
    ids, capped = _find(backend, visible, titles, groups, order, narrowed)
    if not ids:
        return SearchResult()
    respelt = spelt_as(groups, vocabulary)
    return _page(titles, ids, offset, limit, capped=capped, corrected_query=respelt)


def typeahead(prefix: str, tenant, limit: int = TYPEAHEAD_LIMIT) -> list[dict]:
    """Titles of the site whose title or original title has words starting with each word
    of `prefix` ("sta wa" finds "Star Wars"), best first, as small dicts for a search box.
    Fewer than TYPEAHEAD_MIN_CHARS letters give nothing. Three queries at most."""
    terms = terms_of(prefix)
    if sum(len(term) for term in terms) < TYPEAHEAD_MIN_CHARS:
        return []
    limit = _bounded(limit, 1, TYPEAHEAD_MAX_LIMIT, TYPEAHEAD_LIMIT)
    titles = Title.objects.visible_on(tenant)
    backend, connection = _backend(titles)
    joined = with_neighbours_joined(terms)
    ids, _ = backend.pool(titles, joined, size=TYPEAHEAD_POOL, prefix=True, title_only=True)
    if not ids:
        ids = _typeahead_second_try(backend, connection, titles, terms)
    ids = ids[:limit]
    if not ids:
        return []
    rows = titles.filter(pk__in=ids).values("id", "title", "year", "kind", "slug")
    by_id = {row["id"]: row for row in rows}
    return [by_id[pk] for pk in ids if pk in by_id]


def _typeahead_second_try(backend, connection, titles: QuerySet, terms: list[str]) -> list[int]:
    """What the typo-tolerant search finds for a prefix that starts no title word: spelling
    fixes, words the prefix is inside ("vault" in ShadowVault), neighbours joined."""
    groups = alternatives(terms, backend.vocabulary(connection, terms), prefix=True)
    if groups == [(term,) for term in terms]:
        return []
    ids, _ = backend.pool(titles, groups, size=TYPEAHEAD_POOL, prefix=True, title_only=True)
    return ids


def refresh_vocabulary(using: str = "default") -> int:
    """Recount the spelling vocabulary from the published titles (PostgreSQL; SQLite's is
    FTS5's own and always current). Returns the number of words. Run it after bulk imports
    and `QuerySet.update()`s of titles, which bypass the on-save upkeep, e.g. nightly."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        return 0
    return postgres.refresh_vocabulary(connection)


def _backend(titles: QuerySet) -> tuple[ModuleType, object]:
    connection = connections[titles.db]
    return _BACKENDS[connection.vendor], connection


def _find(
    backend: ModuleType,
    visible: QuerySet,
    titles: QuerySet,
    terms: Sequence[QueryTerm],
    order: tuple | None,
    narrowed: bool,
) -> tuple[list[int], bool]:
    """Ids of `titles` matching `terms` in the asked order, and whether there may be more.
    The backend reads the pool of best matches; filters and other orders apply within it."""
    ids, full = backend.pool(visible, terms, size=POOL)
    if not ids or (order is None and not narrowed):
        return ids, full
    found = titles.filter(pk__in=ids)
    if order is not None:
        return list(found.order_by(*order).values_list("pk", flat=True)), full
    kept = set(found.order_by().values_list("pk", flat=True))
    return [pk for pk in ids if pk in kept], full


def _page(
    titles: QuerySet,
    ids: list[int],
    offset: int,
    limit: int,
    *,
    capped: bool,
    corrected_query: str | None = None,
) -> SearchResult:
    page = ids[offset : offset + limit]
    loaded = {}
    if page:
        loaded = titles.in_bulk(page)
    return SearchResult(
        titles=[loaded[pk] for pk in page if pk in loaded],
        total=len(ids),
        corrected_query=corrected_query,
        total_is_capped=capped,
    )


def _filtered(titles: TitleQuerySet, kind, genre, year_from, year_to, language) -> TitleQuerySet:
    if kind:
        titles = titles.filter(kind=kind) if kind in Title.Kind.values else titles.none()
    if genre:
        ok = isinstance(genre, str) and _SLUG.fullmatch(genre)
        titles = titles.in_genre(genre) if ok else titles.none()
    if (year := _year(year_from)) is not None:
        titles = titles.filter(year__gte=year)
    if (year := _year(year_to)) is not None:
        titles = titles.filter(year__lte=year)
    if language:
        ok = isinstance(language, str) and _LANGUAGE.fullmatch(language)
        titles = titles.filter(_has_audio_in(language)) if ok else titles.none()
    return titles


def _has_audio_in(language: str) -> Q:
    # Django has no JSON `contains` lookup on SQLite; matching the quoted code in the JSON
    # text of the list works on both databases (`"en"` does not match `"en-GB"`).
    files = MediaFile.objects.filter(audio_languages__icontains=f'"{language}"')
    return Q(pk__in=files.values("title_id")) | Q(pk__in=files.values("episode__season__title_id"))


def _year(value) -> int | None:
    try:
        year = int(str(value).strip()) if value not in (None, "") else None
    except ValueError:
        return None
    return year if year is not None and 0 < year < 10_000 else None


def _bounded(value, lowest: int, highest: int, default: int) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError, OverflowError):  # None, "abc", nan, inf
        return default
    return min(max(number, lowest), highest)
