"""Resumable uploads of big films from the admin: the tus 1.0.0 protocol (https://tus.io),
core plus the creation, checksum, termination and expiration extensions.

`protocol` reads and checks the headers (pure), `receive` writes a chunk to disk in bounded
reads, `space` says how much room is left, `finish` turns a complete upload into an ingest
job, `sweep` removes abandoned ones, `views` are the operator-only HTTP end of it all.
"""
