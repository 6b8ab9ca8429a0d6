"""What readers leave behind on a site: reading progress (resume, history, continue
reading), their "want to read" list, their reader settings per series, and the app
passwords reader apps (OPDS) sign in with. All of it belongs to one site (TenantOwned),
like StreamVault's watch progress."""

from __future__ import annotations

import hashlib
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from readvault.models.library import Chapter, Series
from tenants.scoping import TenantOwned, TenantOwnedQuerySet


class ReadingProgress(TenantOwned):
    """How far a reader got in one chapter. `page` is the 0-based index of the last page
    seen; `finished` is set on reaching the last page or by "mark as read"."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reading_progress"
    )
    chapter = models.ForeignKey(Chapter, on_delete=models.CASCADE, related_name="+")
    # The chapter's series, kept here so "where is this reader in this series" and the
    # continue-reading row read one index instead of joining every chapter.
    series = models.ForeignKey(Series, on_delete=models.CASCADE, related_name="+")
    page = models.PositiveIntegerField(default=0)
    page_count = models.PositiveIntegerField(default=0)
    finished = models.BooleanField(default=False)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "user", "chapter"], name="one_reading_progress_per_chapter"
            ),
        ]
        indexes = [
            models.Index(fields=["tenant", "user", "-updated_at"], name="reading_recent"),
            models.Index(fields=["tenant", "user", "series", "-updated_at"], name="reading_series"),
        ]

    def __str__(self) -> str:
        return f"{self.user} at page {self.page + 1} of {self.chapter}"


class WantToRead(TenantOwned):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="want_to_read"
    )
    series = models.ForeignKey(Series, on_delete=models.CASCADE, related_name="+")
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-added_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "user", "series"], name="series_once_per_want_to_read"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.series} on {self.user}'s list"


class ReaderSettings(TenantOwned):
    """The reader's own choices for one series (mode, fit, spreads...), remembered so the
    next chapter opens the same way. `choices` is validated by readvault.reader."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    series = models.ForeignKey(Series, on_delete=models.CASCADE, related_name="+")
    choices = models.JSONField(default=dict)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "user", "series"], name="one_reader_settings_per_series"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user}'s reader settings for {self.series}"


def app_password_digest(secret: str) -> str:
    # 256 random bits: an unsalted digest is enough (nothing to run a dictionary against).
    return hashlib.sha256(secret.encode()).hexdigest()


class AppPasswordQuerySet(TenantOwnedQuerySet):
    def live(self) -> AppPasswordQuerySet:
        return self.filter(revoked_at=None)


AppPasswordManager = models.Manager.from_queryset(AppPasswordQuerySet)


class AppPassword(TenantOwned):
    """A password for one reader app (Panels, KOReader...) on one site: used with HTTP
    Basic in place of the account's password, or inside the catalogue's URL for apps that
    take only a URL. Only its digest is stored; it is shown once, when made."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="app_passwords"
    )
    name = models.CharField(max_length=100)
    digest = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects: ClassVar[AppPasswordManager] = AppPasswordManager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["user", "tenant"], name="app_password_owner")]
        constraints = [
            models.CheckConstraint(condition=~Q(name=""), name="app_password_has_a_name"),
        ]

    def __str__(self) -> str:
        return self.name
