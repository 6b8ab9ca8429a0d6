"""What viewers leave behind on a site: watch progress (resume, history, continue watching),
watchlists, comments and reports. All of it belongs to one site (TenantOwned)."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q

from streaming.models.catalogue import Episode, MediaFile, Title
from tenants.scoping import TenantOwned, TenantOwnedQuerySet

# A file counts as watched near its end: end credits are rarely watched to the last second.
FINISHED_FRACTION = 0.92


class WatchProgressQuerySet(TenantOwnedQuerySet):
    # What counts as in progress (continue watching, resuming) is one rule in
    # streaming/viewer/activity.py: in_progress_rule.

    def history(self) -> WatchProgressQuerySet:
        return self.order_by("-updated_at")


WatchProgressManager = models.Manager.from_queryset(WatchProgressQuerySet)


class WatchProgress(TenantOwned):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="watch_progress"
    )
    media_file = models.ForeignKey(MediaFile, on_delete=models.CASCADE, related_name="+")
    position_seconds = models.FloatField(default=0)
    duration_seconds = models.FloatField(null=True, blank=True)
    finished = models.BooleanField(default=False)
    updated_at = models.DateTimeField(auto_now=True)

    objects: ClassVar[WatchProgressManager] = WatchProgressManager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "user", "media_file"], name="one_progress_per_viewer_file"
            ),
            models.CheckConstraint(
                condition=Q(position_seconds__gte=0), name="position_not_negative"
            ),
        ]
        indexes = [models.Index(fields=["tenant", "user", "-updated_at"])]

    def __str__(self) -> str:
        return f"{self.user} at {self.position_seconds:.0f}s of {self.media_file}"


class WatchlistEntry(TenantOwned):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="watchlist"
    )
    title = models.ForeignKey(Title, on_delete=models.CASCADE, related_name="+")
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-added_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "user", "title"], name="title_once_per_watchlist"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} on {self.user}'s watchlist"


class CommentQuerySet(TenantOwnedQuerySet):
    def shown(self) -> CommentQuerySet:
        return self.filter(is_hidden=False)


CommentManager = models.Manager.from_queryset(CommentQuerySet)


class Comment(TenantOwned):
    """A comment on a title or an episode; replies go one level deep."""

    MAX_LENGTH = 2000

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="comments"
    )
    title = models.ForeignKey(
        Title, null=True, blank=True, on_delete=models.CASCADE, related_name="comments"
    )
    episode = models.ForeignKey(
        Episode, null=True, blank=True, on_delete=models.CASCADE, related_name="comments"
    )
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="replies"
    )
    body = models.TextField(max_length=MAX_LENGTH)
    is_hidden = models.BooleanField(default=False, help_text="Hidden by a moderator.")
    created_at = models.DateTimeField(auto_now_add=True)

    objects: ClassVar[CommentManager] = CommentManager()

    class Meta:
        ordering = ["created_at"]
        indexes = [
            models.Index(fields=["tenant", "title", "created_at"]),
            models.Index(fields=["tenant", "episode", "created_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(Q(title__isnull=False) & Q(episode__isnull=True))
                | (Q(title__isnull=True) & Q(episode__isnull=False)),
                name="comment_on_a_title_or_an_episode",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.body[:40]}"


class CommentReport(models.Model):
    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="reports")
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    reason = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["comment", "reporter"], name="report_a_comment_once"),
        ]

    def __str__(self) -> str:
        return f"report on comment {self.comment_id}"
