"""The store the settings choose (STREAM_LIMITS_STORE): Redis when the installation has it
(REDIS_URL, or "redis"), else the database ("auto" without Redis, or "database")."""

from __future__ import annotations

from django.conf import settings

from streaming.stream_limits.database_store import DatabaseStore
from streaming.stream_limits.redis_store import RedisStore
from streaming.stream_limits.store import StreamStore


def configured_store() -> StreamStore:
    # settings refuse STREAM_LIMITS_STORE=redis without REDIS_URL.
    if settings.REDIS_URL and settings.STREAM_LIMITS_STORE in ("auto", "redis"):
        return RedisStore(settings.REDIS_URL, settings.STREAM_LIMITS_KEY_PREFIX)
    return DatabaseStore()


def session_ttl() -> float:
    return float(settings.STREAM_SESSION_TTL)
