"""Title search: `search_titles` for result pages, `typeahead` for the search box.

PostgreSQL: weighted tsvector + GIN, spelling fixes from a trigram-indexed vocabulary
(streaming.search.postgres). SQLite: FTS5 with bm25, best-effort spelling fixes
(streaming.search.sqlite). StreamingConfig.ready() connects the receivers that keep the
search structures in step (streaming.search.signals).
"""

from streaming.search.titles import (
    MAX_RESULTS,
    SearchResult,
    refresh_vocabulary,
    search_titles,
    typeahead,
)

__all__ = ["MAX_RESULTS", "SearchResult", "refresh_vocabulary", "search_titles", "typeahead"]
