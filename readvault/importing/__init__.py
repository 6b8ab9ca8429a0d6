"""Import jobs: comic sources on their way to stored, catalogued chapters (see
docs/comic_imports.md), through the same job machinery as video's ingest (`ingest_core`).

`service` is how every way in submits jobs (the admin's page in `admin`, the
`import_comics` command, the API in `readvault.api.imports`), one job per chapter found
(`sources`: archives, folders of images); `queueing` sends their steps to the workers
(readvault/tasks.py). `runner` runs a step under a `lease`, with `progress` reported and the
moves of `ingest_core.lifecycle`, and decides what follows: the next step, a retry, an end.
`fetch_step` downloads a URL; `process_step` checks it against the library (`duplicates`),
prepares it (readvault.archives), places it (`placement`, `series_match`), stores it and
adds it to the library in one transaction (`catalogue`). `sweep` queues silent jobs again
and removes the folders of ended ones.
"""
