"""Commands that read and write the catalogue need its tables: on a database nobody has
migrated yet, or one out of reach, they stop with what to do instead of a traceback from the
first query (`no such table: stored_media_storedobject`)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, connections
from django.db.migrations.executor import MigrationExecutor

_ready: set[str] = set()  # aliases found migrated in this process: asked once


def describe(alias: str = "default") -> str:
    """Where the database is, without its password: a file, or host:port/name."""
    params = connections[alias].settings_dict
    if "sqlite" in params["ENGINE"]:
        return f"SQLite {params['NAME']}"
    return f"{params.get('HOST') or 'localhost'}:{params.get('PORT') or 5432}/{params['NAME']}"


def require_migrated_database(alias: str = "default") -> None:
    """CommandError unless the database answers and has every migration applied."""
    if alias in _ready:
        return
    try:
        executor = MigrationExecutor(connections[alias])
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except DatabaseError as exc:
        raise CommandError(f"cannot reach the database ({describe(alias)}): {exc}") from None
    if plan:
        raise CommandError(
            f"the database ({describe(alias)}) has {len(plan)} migrations not applied yet: "
            "run `manage.py migrate` first"
        )
    _ready.add(alias)


class MigratedDatabaseCommand(BaseCommand):
    """A command that needs the catalogue's tables (`--help` works without them)."""

    def execute(self, *args: Any, **options: Any) -> str | None:
        require_migrated_database(options.get("database") or "default")
        return super().execute(*args, **options)
