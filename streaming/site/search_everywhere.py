"""The site's one search box: StreamVault's titles and every registered search source
(shadowvault.search_sources, e.g. ReadVault's series) in one list, each entry with its kind.

The titles come from the site's access layer exactly as before (their ranking, their pages,
their queries); each source adds its own constant number of queries, and its decorate hook
(e.g. cover links signed for the viewer) a constant number more for the hits shown. A
source's hits go into the titles' list by score (shadowvault.search_sources.merge_by_score):
a hit comes in front of the first title whose name matches the query less well
(shadowvault.search_matching), and the titles keep their order among themselves.

A page of results is the titles' page and each source's page of the same number, so every
result is on exactly one page and there are as many pages as the longest list needs.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any

from django.urls import reverse

from shadowvault.search_matching import Query, best_name
from shadowvault.search_sources import (
    SearchHit,
    SearchSource,
    SourcePage,
    merge_by_score,
    search_sources,
)
from streaming.models import Title
from streaming.search import MAX_RESULTS, SearchResult, typeahead
from streaming.search.titles import TYPEAHEAD_LIMIT
from streaming.site import access
from tenants.request_types import SiteRequest


@dataclass(frozen=True)
class Entry:
    """One result on the page: a title (its card as on browse) or a source's hit."""

    title: Title | None = None
    hit: SearchHit | None = None


@dataclass(frozen=True)
class CombinedPage:
    titles: SearchResult  # the titles' own answer (its respelt query, its count)
    entries: list[Entry] = field(default_factory=list)
    total: int = 0
    total_is_capped: bool = False
    pages: int = 0


def search_everywhere(request: SiteRequest, query: str, *, page: int, size: int) -> CombinedPage:
    """Page `page` (from 1) of `size` titles and `size` hits of each source."""
    offset = (page - 1) * size
    titles = access.search_for(request, query, limit=size, offset=offset)
    answers = [
        _decorated(
            source, source.search_page(query, request.tenant, limit=size, offset=offset), request
        )
        for source in search_sources(request)
    ]
    wanted = Query.of(query)
    merged = merge_by_score(titles.titles, lambda t: _title_score(wanted, t), _best_first(answers))
    longest = max([min(titles.total, MAX_RESULTS), *(answer.total for answer in answers)])
    return CombinedPage(
        titles=titles,
        entries=[
            Entry(hit=item) if isinstance(item, SearchHit) else Entry(title=item) for item in merged
        ],
        total=titles.total + sum(answer.total for answer in answers),
        total_is_capped=titles.total_is_capped or any(a.total_is_capped for a in answers),
        pages=math.ceil(longest / size),
    )


def typeahead_everywhere(request: SiteRequest, prefix: str) -> list[dict[str, Any]]:
    """Suggestions for the search box: titles (as streaming.search.typeahead gives them,
    with their page's URL) and each source's, merged by score, at most TYPEAHEAD_LIMIT."""
    titles = typeahead(prefix, request.tenant)
    answers = [
        SourcePage(
            source.decorated(
                source.suggestions(prefix, request.tenant, limit=TYPEAHEAD_LIMIT), request
            )
        )
        for source in search_sources(request)
    ]
    wanted = Query.of(prefix, prefix=True)
    merged = merge_by_score(
        titles, lambda row: best_name(wanted, [row["title"]])[0], _best_first(answers)
    )
    suggestions = [
        item.as_json() if isinstance(item, SearchHit) else _title_json(item) for item in merged
    ]
    return suggestions[:TYPEAHEAD_LIMIT]


def _decorated(source: SearchSource, page: SourcePage, request: SiteRequest) -> SourcePage:
    return replace(page, hits=source.decorated(page.hits, request))


def _title_json(row: dict[str, Any]) -> dict[str, Any]:
    return {**row, "url": reverse("title-page", args=[row["slug"]]), "badge": ""}


def _title_score(query: Query, title: Title) -> float:
    return best_name(query, [title.title, title.original_title])[0]


def _best_first(answers: Iterable[SourcePage]) -> list[SearchHit]:
    # sorted() is stable: of equal scores, the first registered source's hits lead.
    return sorted((hit for answer in answers for hit in answer.hits), key=lambda h: -h.score)
