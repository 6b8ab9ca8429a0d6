"""The import-job machinery every vault shares: no vault's models, no vault's imports.

`lifecycle` owns a job's states and steps (which moves, by whom) and `move`, which writes
them through the job's own model class; `errors` says what went wrong in words an operator
can act on. The SSRF-guarded downloader: `ssrf` checks every host and address a job may
reach, `guarded_http` makes our own requests through it, `guard_proxy` is the proxy that
holds external tools (aria2c, yt-dlp) to the same rule, `native_download` fetches one file
over HTTP (resuming, handing big files to `aria2_download`), and `http_response` reads the
answers. `progress_text` writes sizes and durations for a job's progress line.

A job's row and its running, for any vault: `job_model` (`JobBase`, the abstract model each
vault's job inherits; its class names the vault's progress and result fields), `lease` (who
runs it), `job_progress` (the reporter and heartbeat), `job_runner` (a step, then the next,
a retry or an end, driven by the vault's `Steps`), `job_sweep` (ended jobs' folders, silent
jobs), `job_admin` (the admin's job list) and `submission` (what every way in checks, and
the cancel).

A plain package, not a Django app: its one model, `JobBase`, is abstract. StreamVault's
ingest (`streaming.ingest`) and ReadVault's import jobs build on it; it imports neither.
"""
