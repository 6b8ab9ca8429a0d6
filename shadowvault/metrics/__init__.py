"""Prometheus figures for the operator (docs/metrics.md): the instruments processes update
(`families`), the scrape-time readings of shared state (`readings`, `cache_log`), the
request counter (`requests`), the multiprocess files (`multiprocess`) and `/metrics` (`view`)."""
