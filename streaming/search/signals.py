"""Keeping the search structures in step with the catalogue.

Connected when `streaming.search` is imported (StreamingConfig.ready imports it).
"""

from __future__ import annotations

from django.db import connections
from django.db.models.signals import post_migrate, post_save

from streaming.models import Title
from streaming.search import postgres, sqlite


def connect() -> None:
    post_save.connect(title_saved, sender=Title, dispatch_uid="streaming.search.title_saved")
    post_migrate.connect(migrated, dispatch_uid="streaming.search.migrated")


def title_saved(sender, instance: Title, using: str, **kwargs) -> None:
    """A published title's words join the PostgreSQL spelling vocabulary. (Its tsvector and
    SQLite's FTS row are kept by database triggers, which also see `bulk_create` and
    `update()`; this receiver does not, and `refresh_vocabulary` catches up after those.)"""
    connection = connections[using]
    if connection.vendor == "postgresql" and instance.status == Title.Status.PUBLISHED:
        postgres.add_title_words(connection, instance.pk)


def migrated(sender, app_config, using: str, **kwargs) -> None:
    connection = connections[using]
    if app_config.label == "streaming" and connection.vendor == "sqlite":
        sqlite.restore_triggers(connection)
