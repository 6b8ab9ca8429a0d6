"""The values of settings an operator may change in the admin (shadowvault.models.StoredSettings).

A stored value replaces the environment's; a blank one lets it show through. Read per use,
remembered for TTL seconds per process so the SSRF guard's per-connection checks and TMDB's
per-request lookups cost no query each; a save in this process forgets at once, other
processes (the Celery worker) see it within TTL seconds, with no restart.
"""

from __future__ import annotations

import re
import threading
import time
from dataclasses import dataclass

from django.conf import settings

from shadowvault.models import StoredSettings

TTL = 10.0
_lock = threading.Lock()
_memo: tuple[float, Overrides] | None = None


@dataclass(frozen=True)
class Overrides:
    tmdb_api_key: str = ""
    ingest_allowed_hosts: tuple[str, ...] = ()


def split_entries(text: str) -> list[str]:
    """Entries separated by commas or any whitespace (the admin's text box: one per line)."""
    return [entry for entry in re.split(r"[,\s]+", text or "") if entry]


def overrides() -> Overrides:
    global _memo
    with _lock:
        if _memo is not None and time.monotonic() - _memo[0] < TTL:
            return _memo[1]
    loaded = _load()
    with _lock:
        _memo = (time.monotonic(), loaded)
    return loaded


def _load() -> Overrides:
    row = StoredSettings.objects.filter(pk=StoredSettings.SINGLETON_PK).first()
    if row is None:
        return Overrides()
    return Overrides(row.tmdb_api_key.strip(), tuple(split_entries(row.ingest_allowed_hosts)))


def forget() -> None:
    """After a save: this process reads the database again on the next use."""
    global _memo
    with _lock:
        _memo = None


def remember(values: Overrides) -> None:
    """Use these values until forget(), without asking the database (tests that have none)."""
    global _memo
    with _lock:
        _memo = (float("inf"), values)


def tmdb_api_key() -> str:
    return overrides().tmdb_api_key or settings.TMDB_API_KEY


def ingest_allowed_hosts() -> list[str]:
    stored = overrides().ingest_allowed_hosts
    return list(stored) if stored else list(settings.INGEST_ALLOWED_HOSTS)
