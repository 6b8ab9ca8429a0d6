"""`manage.py import_comics PATH_OR_URL ...`: comic imports from the command line."""

from __future__ import annotations

import sys
import time
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError
from django.db.models import Q

from ingest_core.errors import IngestError
from readvault.importing import service
from readvault.importing.progress_line import progress_line
from readvault.importing.runner import run_inline
from readvault.models import ImportJob, Series
from shadowvault.migrated_database import MigratedDatabaseCommand
from tenants.command_site import site_for_command

ENDED_WELL = (ImportJob.State.DONE, ImportJob.State.DUPLICATE)


class Command(MigratedDatabaseCommand):
    help = (
        "Import comics: archives (CBZ, CBR, CB7, CBT, ZIP, RAR, 7z, TAR, PDF, EPUB), folders "
        "(a series per top folder; every archive and every folder of images under it a "
        "chapter; volumes and chapters read from the names) and http(s) URLs of archive "
        "files. Each chapter is a job: its pages are read and checked, the archive stored "
        "(converted to CBZ when readers cannot read it page by page) and added to its series. "
        "The jobs go to the Celery workers; with --wait they run here, with a progress line."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "sources", nargs="+", metavar="PATH_OR_URL", help="archives, folders or http(s) URLs"
        )
        parser.add_argument(
            "--series",
            help="add every chapter to this series (its id, slug or exact title) instead of "
            "the one the names and ComicInfo.xml say",
        )
        parser.add_argument(
            "--no-publish", action="store_true", help="leave new series unpublished (draft)"
        )
        parser.add_argument(
            "--wait",
            action="store_true",
            help="run the jobs here and now, showing percent, pages/s and ETA (Ctrl-C cancels)",
        )
        parser.add_argument("--site", help="domain of the site the jobs belong to (default: first)")

    def handle(self, *args: Any, **options: Any) -> None:
        wait = options["wait"]
        choices = service.Choices(
            tenant=site_for_command(options["site"]),
            via="cli",
            publish=not options["no_publish"],
            target_series=_series(options["series"]),
            queue=(lambda job: None) if wait else None,  # --wait: run below, in this process
        )
        sources = options["sources"]
        urls = [s for s in sources if s.startswith(("http://", "https://"))]
        paths = [Path(s) for s in sources if s not in urls]
        try:
            jobs = service.submit_urls(urls, choices) if urls else []
            jobs += service.submit_paths(paths, choices) if paths else []
        except IngestError as error:
            raise CommandError(str(error)) from error
        if not wait:
            for job in jobs:
                self.stdout.write(f"queued job #{job.pk}: {job.source_name or job.source}")
            return
        failed = [job for job in jobs if self._run(job).state not in ENDED_WELL]
        if failed:
            raise CommandError(f"{len(failed)} of {len(jobs)} jobs did not finish")

    def _run(self, job: ImportJob) -> ImportJob:
        live = sys.stderr.isatty()
        last_said: list[tuple[str, int | None]] = []
        last_at = [0.0]

        def show(current: ImportJob) -> None:
            if live:
                self.stderr.write("\r\033[K" + progress_line(current), ending="")
                return
            # Into a log: a line when the job moves on (a state, its pages read), else one
            # every 5 s.
            said = (current.state, current.pages_total)
            if last_said != [said] or time.monotonic() - last_at[0] >= 5:
                last_said[:], last_at[0] = [said], time.monotonic()
                self.stderr.write(progress_line(current))

        try:
            job = run_inline(job, listener=show)
        except KeyboardInterrupt:
            service.cancel(job)
            raise CommandError(f"interrupted; job #{job.pk} left as cancelled") from None
        if live:
            self.stderr.write("")
        if job.state == ImportJob.State.DONE and job.chapter is not None:
            pages = job.chapter.page_count
            self.stdout.write(f"job #{job.pk} done: {job.chapter} ({pages} pages)")
        elif job.state == ImportJob.State.DUPLICATE:
            self.stdout.write(f"job #{job.pk} {job.note}")
        else:
            self.stderr.write(f"job #{job.pk} {job.state}: {job.error}")
        return job


def _series(given: str | None) -> Series | None:
    if not given:
        return None
    named = Q(slug=given) | Q(title__iexact=given)
    if given.isdigit():
        named |= Q(pk=int(given))
    found = list(Series.objects.filter(named).order_by("pk")[:2])
    if len(found) != 1:
        problem = "no series is" if not found else "more than one series is"
        raise CommandError(f"{problem} called {given!r}; give its id or slug")
    return found[0]
