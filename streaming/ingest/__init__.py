"""Ingest: from a URL or a file to a playable, stored, catalogued video (see docs/ingest.md).

What any vault's import job shares is in `ingest_core`: a job's life cycle
(`ingest_core.lifecycle`: which moves, by whom), its abstract row, lease, progress reporter,
runner, sweep and admin job list, the shared errors, and the SSRF-guarded downloader. Here,
`runner` gives the shared runner video's steps. The fetch step (`fetch_step`)
gets the source with `ingest_core.native_download` (one file over HTTP, resuming, big files
over several connections with aria2c) or `ytdlp_download` (the video a web page shows,
through `ingest_core.guard_proxy`).
The process step (`process_step`) runs `probe`, `media_plan`, `ffmpeg_run` and `artifacts`
to make browser-playable files, stores them and links them (`catalogue_link`). `service` is
how every way in submits jobs, `queueing` how their steps reach the workers.
"""
