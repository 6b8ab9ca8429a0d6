"""The import-job machinery every vault shares: no vault's models, no vault's imports.

`lifecycle` owns a job's states and steps (which moves, by whom) and `move`, which writes
them through the job's own model class; `errors` says what went wrong in words an operator
can act on. The SSRF-guarded downloader: `ssrf` checks every host and address a job may
reach, `guarded_http` makes our own requests through it, `guard_proxy` is the proxy that
holds external tools (aria2c, yt-dlp) to the same rule, `native_download` fetches one file
over HTTP (resuming, handing big files to `aria2_download`), and `http_response` reads the
answers. `progress_text` writes sizes and durations for a job's progress line.

A plain package, not a Django app: it defines no models. StreamVault's ingest
(`streaming.ingest`) and ReadVault's import jobs build on it; it imports neither.
"""
