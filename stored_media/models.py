"""Stored media objects: where a file's bytes live and the facts needed to serve them."""

from __future__ import annotations

import hashlib
import re
import unicodedata

from django.db import models

from stored_media.media_types import kind_for_type, name_with_suffix
from stored_media.owners import servable_rule
from stored_media.signing import link_for_viewer
from stored_media.storage.base import Part


class StoredObjectQuerySet(models.QuerySet):
    def visible_on(self, tenant) -> StoredObjectQuerySet:
        """Objects a site may serve: those an owning app's rule claims for it (see
        stored_media.owners). An object attached to nothing is served nowhere, and an
        inactive or missing site serves nothing."""
        if tenant is None or not tenant.is_active:
            return self.none()
        rule = servable_rule(tenant)
        return self.none() if rule is None else self.filter(rule)


class StoredObject(models.Model):
    """The bytes of one media file in one backend, possibly in several ordered parts.

    The catalogue is shared by the operator's sites, so objects carry no tenant; which
    site may serve one is decided by `visible_on`.
    """

    class Backend(models.TextChoices):
        LOCAL = "local", "Local disk"
        S3 = "s3", "S3-compatible"
        TELEGRAM = "telegram", "Telegram"

    backend = models.CharField(max_length=16, choices=Backend.choices)
    key = models.CharField(max_length=1024, help_text="Where the backend keeps the object.")
    filename = models.CharField(max_length=255, help_text="The name viewers see in links.")
    content_type = models.CharField(max_length=100, default="application/octet-stream")
    size = models.BigIntegerField()
    sha256 = models.CharField(max_length=64, blank=True)
    parts = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = StoredObjectQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["backend", "key"], name="one_object_per_backend_key"),
            models.CheckConstraint(condition=models.Q(size__gte=0), name="size_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.filename} ({self.get_backend_display()})"

    @property
    def part_list(self) -> list[Part]:
        if not self.parts:
            return [Part(size=self.size)]
        return [Part.from_json(part) for part in self.parts]

    @property
    def display_name(self) -> str:
        """The filename viewers see (links, downloads): for an allow-listed kind it always
        ends in that kind's suffix, whatever the filename was set to (see media_types)."""
        kind = kind_for_type(self.content_type)
        return name_with_suffix(self.filename, kind) if kind else self.filename

    @property
    def link_name(self) -> str:
        """The filename in links: ASCII letters, digits, '-', '_' and '.', never empty. It
        ends in the kind's suffix even when cut short: nginx types a local file by it."""
        name = link_name_for(self.display_name, self.pk)
        kind = kind_for_type(self.content_type)
        if kind is not None and not name.endswith(kind.suffix):
            stem = f"media-{self.pk}" if name == kind.suffix[1:] else name  # "日本.mp4"
            name = stem[: LINK_NAME_LENGTH - len(kind.suffix)] + kind.suffix
        return name

    @property
    def media_uri(self) -> str:
        return f"/media/{self.pk}/{self.link_name}"

    def link_for(self, request) -> str:
        """A ready signed link for this viewer (see stored_media.signing)."""
        return link_for_viewer(self.media_uri, request)

    @property
    def etag(self) -> str:
        """A strong ETag, the same for every range of the same bytes (nginx's slice cache
        needs one validator across all slices of a file). Stored bytes never change under
        a key (a new file gets a new key), so the key names them: the ETag stays the same
        when a refreshed Telegram file reference or a sha256 recorded after publishing
        updates the row while viewers are playing it. The backend is left out: move_storage
        keeps an object's key in its new backend, and a player (or the slice cache) halfway
        through the file must see the same validator after the move."""
        basis = f"{self.key}:{self.size}"
        return f'"{hashlib.sha256(basis.encode()).hexdigest()[:32]}"'


class RetiredCopy(models.Model):
    """An object's old copy that a move between backends (stored_media.moving) left behind.
    Links and the gateway's cached answers issued before the move may still read it, so its
    bytes are deleted only after `delete_after` (longer than a link is valid)."""

    backend = models.CharField(max_length=16, choices=StoredObject.Backend.choices)
    key = models.CharField(max_length=1024)
    parts = models.JSONField(default=list, blank=True)
    object_id = models.BigIntegerField(help_text="The StoredObject that moved (for the record).")
    delete_after = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"{self.backend}:{self.key} (after {self.delete_after:%Y-%m-%d %H:%M})"


LINK_NAME_LENGTH = 150


def link_name_for(filename: str, pk: int | None) -> str:
    ascii_name = unicodedata.normalize("NFKD", filename).encode("ascii", "ignore").decode()
    cleaned = re.sub(r"[^A-Za-z0-9._-]+", "-", ascii_name).strip("-.")[:LINK_NAME_LENGTH]
    return cleaned or f"media-{pk}"
