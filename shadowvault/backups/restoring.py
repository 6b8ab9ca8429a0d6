"""`manage.py restore`: a backup into an empty database, its local media back in place, and
every object the manifest names checked against storage."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.db import connections
from django.db.migrations.loader import MigrationLoader

from shadowvault.backups import database_dump
from shadowvault.backups.destinations import fetch_backup
from shadowvault.backups.manifest import MEDIA_FOLDER, Manifest, ObjectEntry
from stored_media.storage import get_backend
from stored_media.storage.base import ObjectMissing, Part, StorageError
from stored_media.storage.hashing import file_sha256
from stored_media.storage.local import LocalBackend, checked_key

Say = Callable[[str], None]
CHECKED_BACKENDS = {"local", "s3"}


class RestoreRefused(Exception):
    pass


@dataclass
class RestoreReport:
    restored_media: int = 0
    checked: int = 0
    unchecked: int = 0  # objects on a backend that is not read back (Telegram)
    problems: list[str] = field(default_factory=list)


def restore_backup(location: str, force: bool, say: Say) -> RestoreReport:
    scratch = Path(tempfile.mkdtemp(prefix="restore.", dir=settings.DATA_DIR))
    try:
        folder = fetch_backup(location, scratch)
        try:
            backup = Manifest.read(folder)
        except ValueError as exc:
            raise RestoreRefused(str(exc)) from None
        _refuse_unless_restorable(backup, force)
        say(
            f"database: restoring {backup.database_file} (made {backup.created_at}, "
            f"version {backup.app_version})"
        )
        database_dump.restore(folder / backup.database_file, force)
        call_command("migrate", interactive=False, verbosity=0)  # newer code: its migrations
        report = RestoreReport()
        _put_back_media(backup, folder, report, say)
        _check_storage(backup, report, say)
        return report
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _refuse_unless_restorable(backup: Manifest, force: bool) -> None:
    vendor = database_dump.vendor()
    if backup.database_vendor != vendor:
        raise RestoreRefused(
            f"this is a {backup.database_vendor} backup and DATABASE_URL is {vendor}: restore it "
            "into the same kind of database (SQLite to PostgreSQL: restore, then move_to_postgres)"
        )
    known = MigrationLoader(None, ignore_no_migrations=True).disk_migrations
    unknown = [
        f"{app}.{name}"
        for app, names in backup.migrations.items()
        for name in names
        if (app, name) not in known
    ]
    if unknown:
        raise RestoreRefused(
            f"the backup comes from a newer version ({backup.app_version}): this code does "
            f"not know migrations {', '.join(unknown[:5])}; upgrade first"
        )
    if not force and not database_dump.is_empty():
        name = connections["default"].settings_dict["NAME"]
        raise RestoreRefused(
            f"database {name} is not empty: restore into a new empty database "
            "(or pass --force to replace everything in it)"
        )


def _put_back_media(backup: Manifest, folder: Path, report: RestoreReport, say: Say) -> None:
    local = LocalBackend(settings.MEDIA_ROOT)  # where local objects live, whatever tests override
    carried = [entry for entry in backup.objects if entry.in_backup]
    for number, entry in enumerate(carried, 1):
        source = folder / MEDIA_FOLDER / checked_key(entry.key)
        target = local.path_for(entry.key)
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(f".{target.name}.partial")
        shutil.copyfile(source, partial)
        os.replace(partial, target)  # an object appears under its key whole
        report.restored_media += 1
        if number % 100 == 0 or number == len(carried):
            say(f"media: {number}/{len(carried)} local objects put back")


def _check_storage(backup: Manifest, report: RestoreReport, say: Say) -> None:
    for number, entry in enumerate(backup.objects, 1):
        if entry.backend not in CHECKED_BACKENDS:
            report.unchecked += 1
            continue
        problem = _problem_with(entry)
        report.checked += 1
        if problem:
            report.problems.append(f"object {entry.id} ({entry.backend}:{entry.key}): {problem}")
        if number % 100 == 0 or number == len(backup.objects):
            say(f"check: {number}/{len(backup.objects)} objects")


def _problem_with(entry: ObjectEntry) -> str:
    backend = get_backend(entry.backend)
    try:
        size = backend.stored_size(entry.key, [Part(entry.size)])
    except ObjectMissing:
        return "missing"
    except StorageError as exc:
        return f"not checked ({exc})"
    if size is not None and size != entry.size:
        return f"size {size}, the backup says {entry.size}"
    path = backend.local_path(entry.key)
    if path is not None and entry.sha256 and file_sha256(path)[1] != entry.sha256:
        return "different bytes (sha256)"
    return ""
