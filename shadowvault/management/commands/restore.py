"""manage.py restore: a backup into an empty database, then a check of stored objects."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from shadowvault.backups.database_dump import DumpError
from shadowvault.backups.destinations import DestinationError
from shadowvault.backups.restoring import RestoreRefused, restore_backup
from stored_media.storage.base import StorageError


class Command(BaseCommand):
    help = (
        "Restore a backup made by `manage.py backup` into the database DATABASE_URL names, "
        "which must be empty (a new database, before migrate) and of the backup's kind "
        "(SQLite or PostgreSQL). Puts local media carried in the backup back under "
        "MEDIA_ROOT, applies this code's newer migrations, then checks every object the "
        "manifest lists against storage (local and S3: present, same size; local: same "
        "sha256) and lists the missing or different ones (exit code 3). See docs/backups.md."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "backup",
            help="The backup: its folder (/path/shadowvault-<time>) or s3://bucket/prefix/shadowvault-<time>.",
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="Restore into a database that is not empty, replacing what the backup holds.",
        )

    def handle(self, *args, **options) -> None:
        try:
            report = restore_backup(options["backup"], options["force"], say=self.stdout.write)
        except (RestoreRefused, DestinationError, DumpError, StorageError, OSError) as exc:
            raise CommandError(f"restore failed: {exc}") from None
        self.stdout.write(
            f"restored; {report.restored_media} local objects put back, {report.checked} "
            f"checked, {report.unchecked} not checkable here (Telegram)"
        )
        if report.problems:
            for problem in report.problems:
                self.stderr.write(problem)
            raise CommandError(
                f"{len(report.problems)} stored objects are missing or differ", returncode=3
            )
        self.stdout.write(self.style.SUCCESS("every checked object is in place"))
