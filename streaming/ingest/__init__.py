"""Ingest: from a URL or a file to a playable, stored, catalogued video (see docs/ingest.md).

Modules by step: `ssrf` and `http_download` / `aria2` / `page_download` fetch the source,
`probe`, `media_plan`, `ffmpeg_run` and `artifacts` turn it into browser-playable files,
`pipeline` runs one job through every step, `service` is how every way in submits jobs.
"""
