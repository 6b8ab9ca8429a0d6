"""Keeping SQLite's series search table in step after migrations.

Django's SQLite schema editor alters a table by copying it into a new one and dropping the
old, and triggers die with the old table: after a later migration that changes `Series`,
the FTS table would silently stop following the library. After every migrate the missing
triggers are made again and the table rebuilt. (PostgreSQL alters tables in place.)
"""

from __future__ import annotations

from django.db import connections, transaction
from django.db.models.signals import post_migrate

from readvault.search.schema import FTS_REBUILD, FTS_TABLE, FTS_TRIGGERS


def connect() -> None:
    post_migrate.connect(migrated, dispatch_uid="readvault.search.migrated")


def migrated(sender, app_config, using: str, **kwargs) -> None:
    connection = connections[using]
    if app_config.label == "readvault" and connection.vendor == "sqlite":
        restore_triggers(connection)


def restore_triggers(connection) -> bool:
    """Make the missing triggers again and rebuild the table; whether anything was missing."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type IN ('table', 'trigger') AND name LIKE %s",
            [f"{FTS_TABLE}%"],
        )
        present = {row[0] for row in cursor.fetchall()}
        missing = [name for name in FTS_TRIGGERS if name not in present]
        if FTS_TABLE not in present or not missing:
            return False
        with transaction.atomic(using=connection.alias):
            for name in missing:
                cursor.execute(FTS_TRIGGERS[name])
            for statement in FTS_REBUILD:
                cursor.execute(statement)
    return True
