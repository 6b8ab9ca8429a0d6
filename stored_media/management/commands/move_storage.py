"""manage.py move_storage: stored objects from local disk to S3 or back, while serving."""

from __future__ import annotations

from django.core.management.base import CommandError
from django.db.models import Sum

from shadowvault.migrated_database import MigratedDatabaseCommand
from stored_media.moving import MOVABLE, default_grace, move_objects, pending, purge_due
from stored_media.storage.base import StorageError


class Command(MigratedDatabaseCommand):
    help = (
        "Move stored media objects between local disk and S3 while the site stays up: each "
        "object is copied under the same key, checked (size, sha256), and switched in one "
        "transaction; links issued before keep working. Old copies are deleted only after a "
        "grace period longer than a link's validity (MEDIA_LINK_LIFETIME + 15 min), by a "
        "later run or --purge. Interrupted? Run it again: it resumes with what is left. "
        "Set MEDIA_STORAGE to the target afterwards so new media goes there too. Telegram "
        "objects are not moved. See docs/backups.md."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--to", choices=MOVABLE, help="The backend to move objects to.")
        parser.add_argument(
            "--from",
            dest="source",
            choices=MOVABLE,
            help="The backend to move objects from (default: the other one).",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Say what would move (count, bytes); move nothing.",
        )
        parser.add_argument(
            "--limit", type=int, metavar="N", help="Move at most N objects this run."
        )
        parser.add_argument(
            "--grace",
            type=int,
            metavar="SECONDS",
            help=f"Keep old copies this long (default {default_grace()} s: the link lifetime "
            "+ 15 min).",
        )
        parser.add_argument(
            "--purge",
            action="store_true",
            help="Only delete old copies whose grace period is over (for a timer), move nothing.",
        )

    def handle(self, *args, **options) -> None:
        if options["purge"]:
            self.stdout.write(f"deleted {purge_due(self.stdout.write)} old copies")
            return
        target = options["to"]
        if target is None:
            raise CommandError("say where to move: --to local or --to s3 (or --purge)")
        source = options["source"] or next(name for name in MOVABLE if name != target)
        if options["limit"] is not None and options["limit"] < 1:
            raise CommandError("--limit must be at least 1")
        if options["grace"] is not None and options["grace"] < 0:
            raise CommandError("--grace must not be negative")
        if options["dry_run"]:
            todo = pending(source)[: options["limit"]] if options["limit"] else pending(source)
            size = (
                sum(todo.values_list("size", flat=True))
                if options["limit"]
                else (pending(source).aggregate(total=Sum("size"))["total"] or 0)
            )
            self.stdout.write(f"would move {len(todo)} objects ({size} bytes) {source} -> {target}")
            return
        try:
            report = move_objects(
                source, target, self.stdout.write, options["grace"], options["limit"]
            )
        except StorageError as exc:
            raise CommandError(f"move stopped (run again to resume): {exc}") from None
        self.stdout.write(
            self.style.SUCCESS(
                f"moved {report.moved} objects ({report.moved_bytes} bytes) {source} -> {target}; "
                f"{report.skipped} skipped (changed meanwhile), {report.purged} old copies "
                f"deleted; {pending(source).count()} left on {source}"
            )
        )
