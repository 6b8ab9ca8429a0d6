"""Remove resumable uploads that stopped arriving (also run hourly by Celery beat)."""

from __future__ import annotations

from shadowvault.migrated_database import MigratedDatabaseCommand
from streaming.uploads.sweep import sweep_uploads


class Command(MigratedDatabaseCommand):
    help = (
        "Remove admin uploads that received nothing for INGEST_UPLOAD_EXPIRY_HOURS (default 24), "
        "with their bytes, and stray files in INGEST_UPLOAD_DIR. Celery beat runs this hourly."
    )

    def handle(self, *args, **options) -> None:
        removed = sweep_uploads()
        self.stdout.write(f"Removed {len(removed)} uploads.")
        for name in removed:
            self.stdout.write(f"  {name}")
