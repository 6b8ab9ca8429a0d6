"""manage.py roll_up_figures: what the nightly beat runs, by hand, for a day or a backfill."""

from __future__ import annotations

from datetime import date, timedelta

from django.core.management.base import CommandError, CommandParser

from figures.roll_up import DayRefused, check_day, prune, roll_up, today_utc
from shadowvault.migrated_database import MigratedDatabaseCommand


def iso_day(raw: str) -> date:
    try:
        return date.fromisoformat(raw)
    except ValueError as exc:
        raise CommandError(f"{raw!r} is not a date (YYYY-MM-DD).") from exc


class Command(MigratedDatabaseCommand):
    help = (
        "Roll up the sites' figures for finished days (UTC) into the daily tables the "
        "console's Figures page reads, then prune raw activity older than FIGURES_RAW_DAYS. "
        "Without options: yesterday, as the nightly beat does. Running a day again replaces "
        "its figures."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        which = parser.add_mutually_exclusive_group()
        which.add_argument("--day", metavar="YYYY-MM-DD", help="Roll up this one day.")
        which.add_argument(
            "--since",
            metavar="YYYY-MM-DD",
            help="Roll up every day from this one to yesterday (a backfill).",
        )

    def handle(self, *args, day: str | None = None, since: str | None = None, **options) -> None:
        today = today_utc()
        yesterday = today - timedelta(days=1)
        if since:
            first = iso_day(since)
            days = [first + timedelta(days=n) for n in range((yesterday - first).days + 1)]
            if not days:
                raise CommandError(f"{since} is not before today (UTC): nothing is over yet.")
        else:
            days = [iso_day(day) if day else yesterday]
        try:
            for one in days:
                check_day(one, today)  # all refused before any is written
            for one in days:
                done = roll_up(one)
                self.stdout.write(f"{done.day}: {done.sites} sites rolled up")
        except DayRefused as refused:
            raise CommandError(str(refused)) from refused
        self.stdout.write(f"{prune(today)} raw rows older than the kept days pruned")
