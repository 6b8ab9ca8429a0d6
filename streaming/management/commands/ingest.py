"""`manage.py ingest URL|PATH ...`: the ingest pipeline from the command line."""

from __future__ import annotations

import sys
import time
from pathlib import Path

from django.core.management.base import CommandError

from ingest_core.errors import IngestError
from shadowvault.migrated_database import MigratedDatabaseCommand
from streaming.ingest import service
from streaming.ingest.progress_line import progress_line
from streaming.ingest.runner import run_inline
from streaming.models import IngestJob, Title
from tenants.command_site import site_for_command


class Command(MigratedDatabaseCommand):
    help = (
        "Ingest videos from URLs or files/folders on this machine: download, make playable "
        "(remux or transcode to MP4), extract subtitles and previews, store, and attach to "
        "the catalogue (a skeleton title from the file name when nothing matches). Runs here "
        "with a live progress bar, or with --background hands the jobs to the Celery workers."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("sources", nargs="+", help="http(s) URLs, files or folders")
        parser.add_argument("--site", help="domain of the site the jobs belong to (default: first)")
        parser.add_argument("--draft", action="store_true", help="do not publish new titles")
        parser.add_argument(
            "--background", action="store_true", help="queue for the workers and return"
        )
        parser.add_argument(
            "--keep-copy",
            action="store_true",
            help="ingest even files the library already has (by default such a job ends as "
            "'already in the library')",
        )

    def handle(self, *args, sources, site, draft, background, keep_copy, **options) -> None:
        tenant = site_for_command(site)
        urls = [s for s in sources if s.startswith(("http://", "https://"))]
        paths = [Path(s) for s in sources if s not in urls]
        kwargs = {"tenant": tenant, "via": "cli", "publish": not draft, "keep_copy": keep_copy}
        if not background:
            kwargs["queue"] = lambda job: None  # run below, in this process
        try:
            jobs = service.submit_urls(urls, **kwargs) if urls else []
            jobs += service.submit_paths(paths, **kwargs) if paths else []
        except IngestError as error:
            raise CommandError(str(error)) from error
        if background:
            for job in jobs:
                self.stdout.write(f"queued job #{job.pk}: {job.source}")
            return
        ended_well = (IngestJob.State.DONE, IngestJob.State.DUPLICATE)
        failed = [job for job in jobs if self._run(job).state not in ended_well]
        if failed:
            raise CommandError(f"{len(failed)} of {len(jobs)} jobs did not finish")

    def _run(self, job: IngestJob) -> IngestJob:
        live = sys.stderr.isatty()
        last = [0.0]

        def show(current: IngestJob) -> None:
            if live:
                self.stderr.write("\r\033[K" + progress_line(current), ending="")
            elif time.monotonic() - last[0] >= 5:
                last[0] = time.monotonic()
                self.stderr.write(progress_line(current))

        try:
            job = run_inline(job, listener=show)
        except KeyboardInterrupt:
            service.cancel(job)
            raise CommandError(f"interrupted; job #{job.pk} left as cancelled") from None
        if live:
            self.stderr.write("")
        if job.state == IngestJob.State.DONE:
            self.stdout.write(f"job #{job.pk} done: {job.title}{_page_of(job.title)}")
        elif job.state == IngestJob.State.DUPLICATE:
            self.stdout.write(
                f"job #{job.pk} {job.note}{_page_of(job.title)}; "
                "--keep-copy ingests it all the same"
            )
        else:
            self.stderr.write(f"job #{job.pk} {job.state}: {job.error}")
        return job


def _page_of(title: Title | None) -> str:
    return f" (/title/{title.slug}/)" if title is not None else ""
