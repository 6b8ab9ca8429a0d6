"""The metadata lookup of a series an import made from names alone (a skeleton), as video
asks TMDB about a title its ingest made.

The catalogue's transaction never waits on the network, so the lookup is a task of its own
(`readvault.tasks.refresh_series_metadata`, default queue), queued once the chapter is
committed and only when a provider is configured (ANILIST_API_URL, `off` for none). It fills
the series in under `readvault.metadata.matching.refresh_series`' rules; a failure is
recorded on the series for the operator and never touches the import, which has ended.
"""

from __future__ import annotations

from django.db import transaction

from readvault.importing import queueing
from readvault.metadata.matching import configured_provider, refresh_series
from readvault.models import Series

# The longest rate-limit pause a lookup sits through on its worker (the default queue runs
# short tasks); a longer one raises RateLimited and the task is retried after it.
MAX_WAIT_SECONDS = 5.0


def queue_for(series: Series) -> None:
    """Look `series` up once the current transaction commits, if a provider is configured."""
    if configured_provider() is None:
        return
    series_id = series.pk
    # robust: the chapter is in the library whatever the broker says; a lookup not queued
    # leaves a skeleton the operator can match from the admin.
    transaction.on_commit(lambda: queueing.queue_series_lookup(series_id), robust=True)


def look_up(series_id: int) -> str:
    """Fill the series in from the configured provider; one line saying what happened.
    Raises `RateLimited` when the provider asks for a longer wait than a task sits through."""
    series = Series.objects.filter(pk=series_id).first()
    if series is None:
        return f"series {series_id} no longer exists"
    if not series.is_skeleton:
        return f"“{series}” was filled in meanwhile; not looked up"
    provider = configured_provider(max_wait=MAX_WAIT_SECONDS)
    if provider is None:
        return f"“{series}”: no metadata provider is set up (ANILIST_API_URL is off)"
    return refresh_series(series, provider, retry_later=True)
