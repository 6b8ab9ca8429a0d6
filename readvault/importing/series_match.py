"""The series a chapter joins: the operator's target, else the one its ComicInfo.xml or
names give (`readvault.metadata.matching.match_series`: found by title or alternative title,
else made, a skeleton when only the names spoke).

No metadata provider is asked here: this runs inside the catalogue's transaction, which must
not wait on the network (on SQLite it holds the one write lock). A skeleton series made here
is looked up once the import has committed (`readvault.importing.series_lookup`).

A folder import queues a job per chapter, and the workers run them side by side: two
chapters of a series not yet in the library must not make it twice. Inside the catalogue's
transaction, finding and making a series is serialised per title: SQLite's IMMEDIATE
transactions hold the one write lock from their start (shadowvault/config.py); on
PostgreSQL a transaction-scoped advisory lock on the title does it.
"""

from __future__ import annotations

import hashlib

from django.db import connection

from readvault.importing.placement import Place
from readvault.metadata.matching import find_series, match_series
from readvault.models import ImportJob, Series


def series_for(job: ImportJob, place: Place) -> tuple[Series, bool]:
    """The chapter's series, found or made, and whether it was made here; called inside the
    catalogue's transaction."""
    if job.target_series is not None:
        return job.target_series, False
    _lock_title(place.series)
    # Asked under the lock: of two jobs of one new series, only the first makes it.
    known = find_series(place.series) is not None
    series = match_series(place.names, place.comicinfo, fallback_title=place.fallback_title)
    return series, not known


def known_series(job: ImportJob, place: Place) -> Series | None:
    """The series the chapter would join, if it exists already (nothing is made)."""
    return job.target_series or find_series(place.series)


def _lock_title(title: str) -> None:
    if connection.vendor != "postgresql":
        return
    digest = hashlib.sha256(title.casefold().encode()).digest()
    key = int.from_bytes(digest[:8], "big", signed=True)  # a bigint, as the function takes
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [key])
