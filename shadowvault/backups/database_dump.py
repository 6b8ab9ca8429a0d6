"""A consistent copy of the database, and putting one back.

PostgreSQL: pg_dump's custom format (restored with pg_restore), taken in a snapshot the caller
also reads the object manifest in, so the two agree. SQLite: the online backup API, which
copies a consistent image while the site keeps writing.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.db import connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper

POSTGRES_FILE = "database.pgdump"
SQLITE_FILE = "database.sqlite3"


class DumpError(Exception):
    """The dump or the restore failed; the message says why (never a password)."""


def vendor(alias: str = "default") -> str:
    """ "postgresql" or "sqlite"."""
    return connections[alias].vendor


def dump_file_name(vendor_name: str) -> str:
    return POSTGRES_FILE if vendor_name == "postgresql" else SQLITE_FILE


@contextmanager
def consistent_view(alias: str = "default") -> Iterator[str | None]:
    """A read-only transaction whose reads match the dump taken inside it. On PostgreSQL it
    yields the exported snapshot's id for pg_dump --snapshot; on SQLite it yields None (the
    dump is a file the caller reads the manifest from instead)."""
    connection = connections[alias]
    if connection.vendor != "postgresql":
        yield None
        return
    with transaction.atomic(using=alias), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        yield cursor.fetchone()[0]


def dump(target: Path, snapshot: str | None, alias: str = "default") -> None:
    """Write the database to `target` (a file named by dump_file_name)."""
    connection = connections[alias]
    if connection.vendor == "postgresql":
        _pg_dump(connection, target, snapshot)
    elif connection.vendor == "sqlite":
        connection.ensure_connection()
        with sqlite3.connect(target) as copy:
            connection.connection.backup(copy)
            # One self-contained file: the copy would otherwise keep the site's WAL mode,
            # and reading it would leave -wal/-shm files beside it.
            copy.execute("PRAGMA journal_mode=DELETE")
        copy.close()
    else:
        raise DumpError(f"cannot back up a {connection.vendor} database")


def _pg_dump(connection: BaseDatabaseWrapper, target: Path, snapshot: str | None) -> None:
    command = [
        _client("pg_dump"),
        "--format=custom",
        "--no-owner",
        "--no-acl",
        "--file",
        str(target),
    ]
    if snapshot:
        command += ["--snapshot", snapshot]
    _run(command + _pg_target(connection), connection, "pg_dump")


def restore(source: Path, force: bool, alias: str = "default") -> None:
    """Put the dump at `source` into the (empty, unless `force`) database."""
    connection = connections[alias]
    if connection.vendor == "postgresql":
        command = [_client("pg_restore"), "--no-owner", "--no-acl", "--exit-on-error"]
        if force:
            command += ["--clean", "--if-exists"]
        connection.close()
        _run(
            [
                *command,
                "--dbname",
                connection.settings_dict["NAME"],
                *_pg_server(connection),
                str(source),
            ],
            connection,
            "pg_restore",
        )
        return
    target = connection.settings_dict["NAME"]
    connection.close()  # the copy replaces every page; no open handle may keep old ones
    with sqlite3.connect(source) as backup, sqlite3.connect(target) as database:
        backup.backup(database)
    backup.close()
    database.close()


def is_empty(alias: str = "default") -> bool:
    """Whether the database has no tables at all (a fresh one, before migrate)."""
    return not connections[alias].introspection.table_names()


def _pg_target(connection: BaseDatabaseWrapper) -> list[str]:
    return [*_pg_server(connection), connection.settings_dict["NAME"]]


def _pg_server(connection: BaseDatabaseWrapper) -> list[str]:
    settings = connection.settings_dict
    args = ["--no-password"]
    if settings.get("HOST"):
        args += ["--host", str(settings["HOST"])]
    if settings.get("PORT"):
        args += ["--port", str(settings["PORT"])]
    if settings.get("USER"):
        args += ["--username", str(settings["USER"])]
    return args


def _client(program: str) -> str:
    path = shutil.which(program)
    if path is None:
        raise DumpError(f"{program} is not installed (Debian: apt-get install postgresql-client)")
    return path


def _run(command: list[str], connection: BaseDatabaseWrapper, program: str) -> None:
    # The password goes in the environment, never on the command line (ps shows that).
    env = {**os.environ}
    if connection.settings_dict.get("PASSWORD"):
        env["PGPASSWORD"] = str(connection.settings_dict["PASSWORD"])
    result = subprocess.run(command, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise DumpError(f"{program} failed ({result.returncode}): {result.stderr.strip()[-2000:]}")
