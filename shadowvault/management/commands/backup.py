"""manage.py backup: a consistent database dump and a manifest of every stored object."""

from __future__ import annotations

from django.core.management.base import CommandError

from shadowvault.backups.database_dump import DumpError
from shadowvault.backups.destinations import Destination, DestinationError
from shadowvault.backups.making import make_backup
from shadowvault.migrated_database import MigratedDatabaseCommand
from stored_media.storage.base import StorageError


class Command(MigratedDatabaseCommand):
    help = (
        "Back up this install: a consistent database dump (pg_dump custom format on "
        "PostgreSQL, SQLite's online backup API on SQLite) and manifest.json listing every "
        "stored object (backend, key, size, sha256) with the migration state and app version. "
        "Objects on S3 or Telegram stay where they are; --with-media copies local-disk "
        "objects into the backup. The backup is built aside and appears under its name "
        "(shadowvault-<UTC time>) only when complete. Prints where it went. See docs/backups.md."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--to",
            required=True,
            metavar="DESTINATION",
            help="folder:/absolute/path (an existing folder) or s3://bucket/prefix (the "
            "S3_* settings give endpoint and credentials).",
        )
        parser.add_argument(
            "--with-media",
            action="store_true",
            help="Also copy objects stored on local disk into the backup (checked against "
            "their recorded size and sha256).",
        )
        parser.add_argument(
            "--no-hash",
            action="store_true",
            help="Do not read objects whose sha256 was never recorded to compute it "
            "(recorded checksums are always reused).",
        )

    def handle(self, *args, **options) -> None:
        try:
            destination = Destination.parse(options["to"])
            location = make_backup(
                destination,
                with_media=options["with_media"],
                hash_missing=not options["no_hash"],
                say=self.stdout.write,
            )
        except (DestinationError, DumpError, StorageError, OSError) as exc:
            raise CommandError(f"backup failed, nothing was kept: {exc}") from None
        self.stdout.write(self.style.SUCCESS(f"backup complete: {location}"))
