"""Storage backends by name. Instances are built once from settings and shared."""

from __future__ import annotations

from functools import cache

from django.conf import settings

from stored_media.storage.base import StorageBackend, StorageError


@cache
def get_backend(name: str) -> StorageBackend:
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


def forget_backends_on_change(setting: str, **_kwargs) -> None:
    if setting.startswith(("MEDIA_", "S3_", "TELEGRAM_")):
        get_backend.cache_clear()
