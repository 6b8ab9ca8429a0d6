"""`manage.py move_to_postgres`: every row of an embedded install (SQLite) into PostgreSQL.

The target is migrated by this code, emptied of the rows migrate itself writes (content
types, permissions), filled table by table in dependency order in batches inside one
transaction (Django's PostgreSQL foreign keys are deferred, so a row may name one copied
later), its sequences reset, and every table's row count compared with the source.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.management.color import no_style
from django.db import connections, models, transaction

from shadowvault import config
from streaming.search.titles import refresh_vocabulary

Say = Callable[[str], None]
TARGET = "move_target"
BATCH = 2000
# Rows `migrate` writes itself: a target holding only these still counts as empty.
MIGRATE_OWN = {"django_migrations", "django_content_type", "auth_permission"}


class MoveRefused(Exception):
    pass


@dataclass
class TableCount:
    table: str
    source: int
    target: int


def move_to_postgres(url: str, say: Say) -> list[TableCount]:
    if connections["default"].vendor != "sqlite":
        raise MoveRefused("this install's database is not SQLite; nothing to move")
    _add_target(url)
    target = connections[TARGET]
    if target.vendor != "postgresql":
        raise MoveRefused("--to must be a postgres:// URL")
    _refuse_unless_empty()
    say("target: migrating")
    _migrate(url)
    tables = list(copied_models())
    with transaction.atomic(using=TARGET):
        _empty(tables)
        for model in tables:
            count = _copy(model)
            say(f"copied {model._meta.db_table}: {count} rows")
        with target.cursor() as cursor:
            for statement in target.ops.sequence_reset_sql(no_style(), tables):
                cursor.execute(statement)
        # Title words reach PostgreSQL's spelling vocabulary (not a model) on save, which
        # the copy does not call: count them afresh.
        refresh_vocabulary(using=TARGET)
    counts = [_count(model) for model in tables]
    wrong = [c for c in counts if c.source != c.target]
    if wrong:
        listed = ", ".join(f"{c.table} {c.source}->{c.target}" for c in wrong)
        raise MoveRefused(f"row counts differ after the copy: {listed}")
    return counts


def _migrate(url: str) -> None:
    """Migrate the target as its own install would, with it as the default database: a data
    migration written for one database (no `.using(alias)`) must not touch the SQLite one."""
    env = {**os.environ, "DATABASE_URL": url}
    command = [sys.executable, str(Path(settings.BASE_DIR) / "manage.py"), "migrate", "--noinput"]
    result = subprocess.run(command, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise MoveRefused(f"migrating the target failed: {result.stderr.strip()[-2000:]}")


def _add_target(url: str) -> None:
    try:  # parsed as DATABASE_URL is (no variable is named "--to": the URL is the default)
        database = config.database("--to", url)
    except config.ConfigurationError as exc:
        raise MoveRefused(str(exc)) from None
    both = connections.configure_settings(
        {"default": connections["default"].settings_dict, TARGET: database}
    )
    connections.settings[TARGET] = both[TARGET]
    # A connection left from an earlier call in this process would keep the old settings.
    for existing in connections.all(initialized_only=True):
        if existing.alias == TARGET:
            existing.close()
            del connections[TARGET]


def _refuse_unless_empty() -> None:
    target = connections[TARGET]
    existing = set(target.introspection.table_names())
    with target.cursor() as cursor:
        for table in sorted(existing - MIGRATE_OWN):
            quoted = target.ops.quote_name(table)  # a name the database listed
            cursor.execute(f"SELECT 1 FROM {quoted} LIMIT 1")  # noqa: S608
            if cursor.fetchone():
                name = target.settings_dict["NAME"]
                raise MoveRefused(
                    f"database {name} is not empty (table {table} has rows): "
                    "move into a new empty database"
                )


def copied_models() -> Iterator[type[models.Model]]:
    """Every model with a table of its own, a table before those whose foreign keys name it
    (cycles are broken arbitrarily: the deferred constraints allow it)."""
    pending = [
        m
        for m in apps.get_models(include_auto_created=True)
        if m._meta.managed and not m._meta.proxy
    ]
    done: set[type[models.Model]] = set()
    while pending:
        ready = [m for m in pending if _parents(m) <= done | {m}] or pending[:1]
        for model in ready:
            done.add(model)
            pending.remove(model)
            yield model


def _parents(model: type[models.Model]) -> set[type[models.Model]]:
    parents: set[type[models.Model]] = set()
    for field in model._meta.local_concrete_fields:
        related = field.related_model if field.is_relation else None
        if related is not None and not isinstance(related, str):  # "self" is resolved by now
            concrete = related._meta.concrete_model
            parents.add(concrete if concrete is not None else related)
    return parents


def _columns(model: type[models.Model]) -> list[models.Field]:
    return [f for f in model._meta.local_concrete_fields if not getattr(f, "generated", False)]


def _empty(tables: list[type[models.Model]]) -> None:
    target = connections[TARGET]
    names = ", ".join(target.ops.quote_name(m._meta.db_table) for m in tables)
    with target.cursor() as cursor:
        cursor.execute(f"TRUNCATE {names} CASCADE")


def _copy(model: type[models.Model]) -> int:
    """Copy the rows as Django reads them from SQLite and writes them for PostgreSQL (JSON,
    booleans, times converted by the fields), without save() or pre_save (auto_now stays)."""
    target = connections[TARGET]
    fields = _columns(model)
    quote = target.ops.quote_name
    # Names from the models, quoted; the values go as parameters.
    table, columns = quote(model._meta.db_table), ", ".join(quote(f.column) for f in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    insert = f"INSERT INTO {table} ({columns}) VALUES ({placeholders})"  # noqa: S608
    rows = (
        model._base_manager.using("default")
        .order_by("pk")
        .values_list(*[f.attname for f in fields])
        .iterator(chunk_size=BATCH)
    )
    count = 0
    batch: list[list] = []
    with target.cursor() as cursor:
        for row in rows:
            batch.append(
                [f.get_db_prep_save(v, connection=target) for f, v in zip(fields, row, strict=True)]
            )
            if len(batch) >= BATCH:
                cursor.executemany(insert, batch)
                count, batch = count + len(batch), []
        if batch:
            cursor.executemany(insert, batch)
            count += len(batch)
    return count


def _count(model: type[models.Model]) -> TableCount:
    return TableCount(
        model._meta.db_table,
        model._base_manager.using("default").count(),
        model._base_manager.using(TARGET).count(),
    )
