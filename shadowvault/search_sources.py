"""What the site's one search box finds besides StreamVault's titles: the search sources.

A vault registers a source in its AppConfig.ready() with `register_search_source(kind,
search_fn, typeahead_fn, label=...)`; the search page and the typeahead (streaming.site)
ask every registered source and show its hits in one list with the titles, each hit
labelled with its kind ("Manga"). This module imports no vault, so any vault may register
and the site may ask without either importing the other.

A source answers for one site (tenant) and shows only what that site shows. Its functions:

    search_fn(query, tenant, limit=..., offset=...) -> SourcePage
    typeahead_fn(prefix, tenant, limit=...) -> list[SearchHit]
    decorate_fn(hits, request) -> list[SearchHit]  (optional)

Each takes a constant number of queries whatever the size of the library, and never
raises on what a viewer typed. The search functions get the site alone, so what depends on
the viewer (signed image links) is added afterwards by `decorate_fn`, once for a whole page
of the source's hits (the same hits, in the same order, e.g. with their `image_url`).
`score` is on shadowvault.search_matching's scale (1.0 the same words ... 0 no match), the
scale the site also gives titles when it merges the lists.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from typing import Any, Protocol, TypeVar


@dataclass(frozen=True)
class SearchHit:
    """One thing found, in the shape the page's cards and the typeahead's JSON show."""

    kind: str  # the source's kind, "manga"
    title: str
    url: str
    score: float  # shadowvault.search_matching's scale
    year: int | None = None
    image_url: str = ""  # empty: the card shows the title's first letter
    extra: str = ""  # one more line: "Also known as Shingeki no Kyojin"
    label: str = ""  # the kind's badge, "Manga" (set from the registration)
    key: Any = None  # the source's own id of what was found, for its decorate_fn; not shown

    def as_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "badge": self.label,
            "title": self.title,
            "url": self.url,
            "year": self.year,
            "image": self.image_url,
            "extra": self.extra,
        }


@dataclass(frozen=True)
class SourcePage:
    """One page of a source's hits, best first, and how many there are in all."""

    hits: list[SearchHit] = field(default_factory=list)
    total: int = 0
    total_is_capped: bool = False  # more match than the source read: "100+"


class SearchFn(Protocol):
    def __call__(self, query: str, tenant: Any, *, limit: int, offset: int) -> SourcePage: ...


class TypeaheadFn(Protocol):
    def __call__(self, prefix: str, tenant: Any, *, limit: int) -> list[SearchHit]: ...


class DecorateFn(Protocol):
    def __call__(self, hits: list[SearchHit], request: Any) -> list[SearchHit]: ...


@dataclass(frozen=True)
class SearchSource:
    kind: str
    label: str
    search: SearchFn
    typeahead: TypeaheadFn
    decorate: DecorateFn | None = None
    # Whether the viewer of a request may see this source at all (their plan may leave the
    # vault out: tenants.entitlements); None: everyone.
    shown_to: Callable[[Any], bool] | None = None

    def search_page(self, query: str, tenant: Any, *, limit: int, offset: int) -> SourcePage:
        page = self.search(query, tenant, limit=limit, offset=offset)
        return SourcePage(self._labelled(page.hits), page.total, page.total_is_capped)

    def suggestions(self, prefix: str, tenant: Any, *, limit: int) -> list[SearchHit]:
        return self._labelled(self.typeahead(prefix, tenant, limit=limit))

    def decorated(self, hits: list[SearchHit], request: Any) -> list[SearchHit]:
        """`hits` with what the viewer of `request` sees on them (no queries without hits)."""
        if self.decorate is None or not hits:
            return hits
        return self.decorate(hits, request)

    def _labelled(self, hits: Iterable[SearchHit]) -> list[SearchHit]:
        return [hit if hit.label else replace(hit, label=self.label) for hit in hits]


_SOURCES: dict[str, SearchSource] = {}


def register_search_source(
    kind: str,
    search_fn: SearchFn,
    typeahead_fn: TypeaheadFn,
    *,
    label: str = "",
    decorate_fn: DecorateFn | None = None,
    shown_to: Callable[[Any], bool] | None = None,
) -> None:
    """Add (or, for the same kind, replace) a source. Called from AppConfig.ready()."""
    _SOURCES[kind] = SearchSource(
        kind, label or kind.title(), search_fn, typeahead_fn, decorate_fn, shown_to
    )


def search_sources(request: Any = None) -> list[SearchSource]:
    """The registered sources, in the order they were registered; with `request`, only
    those its viewer may see."""
    sources = list(_SOURCES.values())
    if request is None:
        return sources
    return [s for s in sources if s.shown_to is None or s.shown_to(request)]


T = TypeVar("T")


def merge_by_score(
    ours: Iterable[T], score_of: Callable[[T], float], hits: Iterable[SearchHit]
) -> Iterator[T | SearchHit]:
    """One list of `ours` (in their own order, which is never changed) and `hits` (best
    first): a hit goes in front of the first of ours that scores lower than it. So a
    source's exact match comes before a title found through one word of its overview,
    while the titles keep the order their own search ranked them in."""
    pending = list(hits)
    for item in ours:
        score = score_of(item)
        while pending and pending[0].score > score:
            yield pending.pop(0)
        yield item
    yield from pending
