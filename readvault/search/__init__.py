"""Series search: `search_series` for result pages, `typeahead_series` for the search box
(readvault.search.series), the "manga" source of the site's one search box
(shadowvault.search_sources).

PostgreSQL: a trigram GIN index over the names (readvault.search.postgres). SQLite: a
trigram FTS5 table kept by triggers (readvault.search.sqlite). Both made by migration
0003_series_search (readvault.search.schema). ReadVaultConfig.ready() registers the source
and connects the receiver that puts back SQLite's triggers after a migration
(readvault.search.signals).
"""
