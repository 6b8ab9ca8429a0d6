"""Store a file in media storage and print a signed link to it (until ingest does this)."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import CommandError

from shadowvault.migrated_database import MigratedDatabaseCommand
from stored_media.media_types import KINDS, MP4
from stored_media.objects import store_file
from stored_media.signing import signed_link
from stored_media.storage.base import StorageError
from streaming.catalogue.publish import publish_as_film


class Command(MigratedDatabaseCommand):
    help = (
        "Copy a file into media storage (MEDIA_STORAGE, or --backend), record it, and print "
        "its id and a signed link valid for MEDIA_LINK_LIFETIME seconds."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("path", type=Path, help="The file to store.")
        parser.add_argument("--name", help="The name viewers see (default: the file's name).")
        parser.add_argument(
            "--kind",
            choices=list(KINDS),
            default=MP4.name,
            help="What the file is (default: mp4). It alone sets the served content type and "
            "the name's suffix; the file's own name never does.",
        )
        parser.add_argument(
            "--publish",
            metavar="TITLE",
            help="Also publish it as a film with this title (sites serve only published media).",
        )
        parser.add_argument(
            "--backend",
            choices=["local", "s3", "telegram"],
            default=None,
            help="default: MEDIA_STORAGE",
        )

    def handle(
        self,
        *args,
        path: Path,
        name: str | None,
        backend: str | None,
        publish: str | None,
        kind: str = MP4.name,
        **options,
    ):
        if not path.is_file():
            raise CommandError(f"{path} is not a readable file")

        def progress(done: int, total: int) -> None:
            percent = 100 * done // total if total else 100
            self.stdout.write(f"\rstoring {path.name}: {percent}%", ending="")

        try:
            stored = store_file(path, name, backend or settings.MEDIA_STORAGE, progress, kind=kind)
        except StorageError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write("")
        self.stdout.write(f"id: {stored.pk}")
        if publish:
            media = publish_as_film(stored, publish)
            self.stdout.write(f"published as film {media.title_id}: {media.title}")
        else:
            self.stdout.write("not attached to a title yet: sites serve it once it is published")
        self.stdout.write(f"link: {signed_link(stored.media_uri)}")
