"""Storage backends by name. Instances are built once from settings and shared.

Tests put a backend of their own in place with `override_backend(name, backend)`: every
caller of `get_backend` sees it, whichever module imported the function.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from typing import Any

from django.conf import settings

from stored_media.storage.base import StorageBackend, StorageError

# One dict for the whole process, not a context variable: a test overrides a backend for the
# origin it serves from another thread (uvicorn_in_thread), which must see it too.
_overrides: dict[str, StorageBackend] = {}


def get_backend(name: str) -> StorageBackend:
    """The backend called `name` (local, s3, telegram), or the one a test put in its place."""
    override = _overrides.get(name)
    return override if override is not None else _backend_from_settings(name)


@contextmanager
def override_backend(name: str, backend: StorageBackend) -> Iterator[StorageBackend]:
    """Within the block, `get_backend(name)` answers `backend` everywhere; afterwards,
    whatever answered before (an outer override, or the backend from settings)."""
    outer = _overrides.get(name)
    _overrides[name] = backend
    try:
        yield backend
    finally:
        if outer is None:
            del _overrides[name]
        else:
            _overrides[name] = outer


@cache
def _backend_from_settings(name: str) -> StorageBackend:
    # Backends are imported on first use: boto3 and Telethon are slow to import and an
    # install normally uses one backend.
    if name == "local":
        from stored_media.storage.local import LocalBackend

        return LocalBackend(settings.MEDIA_ROOT)
    if name == "s3":
        from stored_media.storage.s3 import S3Backend

        return S3Backend(
            bucket=settings.S3_BUCKET,
            endpoint_url=settings.S3_ENDPOINT_URL,
            access_key=settings.S3_ACCESS_KEY_ID,
            secret_key=settings.S3_SECRET_ACCESS_KEY,
            region=settings.S3_REGION,
        )
    if name == "telegram":
        from stored_media.storage.telegram import telegram_backend_from_settings

        return telegram_backend_from_settings(settings)
    raise StorageError(f"unknown storage backend {name!r}")


def default_backend() -> StorageBackend:
    """Where new media goes (MEDIA_STORAGE)."""
    return get_backend(settings.MEDIA_STORAGE)


def forget_backends_on_change(setting: str, **_kwargs: Any) -> None:
    if setting.startswith(("MEDIA_", "S3_", "TELEGRAM_")):
        _backend_from_settings.cache_clear()
