"""manage.py move_to_postgres: an embedded install's SQLite database into PostgreSQL."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from shadowvault.backups.postgres_move import MoveRefused, move_to_postgres


class Command(BaseCommand):
    help = (
        "Copy every row of this install's SQLite database into a new, empty PostgreSQL "
        "database: migrates it, copies each table in dependency order in batches (one "
        "transaction: after a failure the target holds no copied row), resets its sequences and "
        "compares row counts table by table. The SQLite database is not changed. Afterwards "
        "set DATABASE_URL to the new database and restart. Stop the site (or its writers) "
        "first: rows written during the move are not copied. See docs/backups.md."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--to",
            required=True,
            metavar="POSTGRES_URL",
            help="postgres://user[:password]@host:port/database (an empty database).",
        )

    def handle(self, *args, **options) -> None:
        try:
            counts = move_to_postgres(options["to"], say=self.stdout.write)
        except (MoveRefused, DatabaseError) as exc:
            raise CommandError(f"move failed: {exc}") from None
        rows = sum(count.target for count in counts)
        self.stdout.write(
            self.style.SUCCESS(
                f"moved {rows} rows in {len(counts)} tables; every count matches. "
                "Now set DATABASE_URL to the new database and restart."
            )
        )
