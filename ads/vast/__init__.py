"""VAST video ads without views or models: read a VAST 2/3/4 document (`parse`), follow an
external tag's wrappers on the server (`resolve`), fill tracking-URL macros (`macros`), hand
the player a small JSON (`player`) and write VAST 4.2 for a hosted creative (`build`).

Every failure is a `errors.VastError` carrying the IAB VAST error code it maps to.
See docs/ads.md, "VAST".
"""
