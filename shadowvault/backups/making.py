"""`manage.py backup`: the database dump and the object manifest, built aside and published
whole (see destinations)."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from datetime import UTC, datetime

from shadowvault.backups import database_dump, manifest
from shadowvault.backups.destinations import Destination
from shadowvault.backups.object_copies import complete_entries

Say = Callable[[str], None]


def make_backup(destination: Destination, with_media: bool, hash_missing: bool, say: Say) -> str:
    """Back the install up into `destination`; returns where the backup is. On any failure
    the partial backup is removed and the error raised."""
    name = "shadowvault-" + datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    scratch = destination.scratch(name)
    try:
        vendor = database_dump.vendor()
        dump_path = scratch / database_dump.dump_file_name(vendor)
        say(f"database: dumping ({vendor})")
        with database_dump.consistent_view() as snapshot:
            database_dump.dump(dump_path, snapshot)
            if snapshot is not None:  # read in the snapshot pg_dump used
                entries = manifest.objects_in_database()
                migrations = manifest.applied_migrations()
        if snapshot is None:  # read from the copy itself
            entries = manifest.objects_in_sqlite_copy(dump_path)
            migrations = manifest.migrations_in_sqlite_copy(dump_path)
        say(f"database: {dump_path.stat().st_size} bytes; {len(entries)} stored objects")
        complete_entries(entries, scratch, with_media, hash_missing, say)
        manifest.Manifest(
            database_vendor=vendor,
            database_file=dump_path.name,
            migrations=migrations,
            with_media=with_media,
            objects=entries,
        ).write(scratch)
        location = destination.publish(scratch, name)
    except BaseException:
        shutil.rmtree(scratch, ignore_errors=True)
        raise
    if destination.folder is None:
        shutil.rmtree(scratch, ignore_errors=True)  # uploaded; the local build is not kept
    return location
