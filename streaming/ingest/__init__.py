"""Ingest: from a URL or a file to a playable, stored, catalogued video (see docs/ingest.md).

Modules by step: `lifecycle` owns a job's states (which moves, by whom); `runner` runs a
step and decides what follows. The fetch step (`fetch_step`) gets the source with one of
three downloaders: `native_download` (one file over HTTP, resuming), `aria2_download` (a big
file over several connections) or `ytdlp_download` (the video a web page shows), all through
the SSRF guard (`ssrf`, `guarded_http` for our own requests, `guard_proxy` for the tools').
The process step (`process_step`) runs `probe`, `media_plan`, `ffmpeg_run` and `artifacts`
to make browser-playable files, stores them and links them (`catalogue_link`). `service` is
how every way in submits jobs, `queueing` how their steps reach the workers.
"""
