"""Reports, what was done about them, and counter-notices.

A report names its target by kind and id (a title, a series, a comment) on the site where it
was filed. What an operator or site admin did about it is a `TakedownAction` (who, what, on
which scope, why, when); the takedown itself goes through the catalogue's own visibility
rows (takedowns.targets), so nothing here is consulted by the pages.
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models

from tenants.scoping import TenantOwned


class TargetKind(models.TextChoices):
    TITLE = "title", "Title"
    SERIES = "series", "Series"
    COMMENT = "comment", "Comment"


class Reason(models.TextChoices):
    COPYRIGHT = "copyright", "Copyright"
    ILLEGAL = "illegal", "Illegal content"
    SPAM = "spam", "Spam"
    METADATA = "metadata", "Wrong metadata"
    OTHER = "other", "Other"


class ReportStatus(models.TextChoices):
    OPEN = "open", "Open"
    ACTIONED = "actioned", "Actioned"
    REJECTED = "rejected", "Rejected"
    COUNTER_NOTICED = "counter_noticed", "Counter-noticed"
    REINSTATED = "reinstated", "Reinstated"


class Report(TenantOwned):
    """Someone's report of a title, series or comment shown on a site."""

    DETAILS_MAX = 4000

    target_kind = models.CharField(max_length=10, choices=TargetKind.choices)
    target_id = models.PositiveBigIntegerField()
    # What the target was called when reported: the queue stays readable after a takedown.
    target_label = models.CharField(max_length=300)
    reason = models.CharField(max_length=12, choices=Reason.choices)
    details = models.TextField(max_length=DETAILS_MAX)
    contact_email = models.EmailField()
    # Copyright claims (the notice's own fields): the work infringed and who holds it.
    work = models.CharField(max_length=300, blank=True)
    claimant = models.CharField(max_length=200, blank=True)
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    status = models.CharField(
        max_length=16, choices=ReportStatus.choices, default=ReportStatus.OPEN
    )
    created_at = models.DateTimeField(auto_now_add=True)

    # A record of what was claimed and decided: kept when the site's data goes.
    removed_when_site_closes: ClassVar[bool] = False

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["tenant", "status", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.get_reason_display()}: {self.target_label}"


class Decision(models.TextChoices):
    UNPUBLISH_HERE = "unpublish_here", "Unpublished on this site"
    UNPUBLISH_EVERYWHERE = "unpublish_everywhere", "Unpublished everywhere"
    HIDE_COMMENT = "hide_comment", "Comment hidden"
    REJECT = "reject", "Rejected"
    REINSTATE = "reinstate", "Reinstated"


class TakedownAction(TenantOwned):
    """Who did what about a report, when and why; a reinstatement points at the takedown it
    undid. `changed` says whether the takedown changed anything (the title may have been
    hidden there already): a reinstatement undoes only what its takedown did."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="actions")
    decision = models.CharField(max_length=24, choices=Decision.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    why = models.TextField(max_length=2000)
    changed = models.BooleanField(default=False)
    undoes = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="undone_by"
    )
    replied_to = models.EmailField(blank=True)
    at = models.DateTimeField(auto_now_add=True)

    removed_when_site_closes: ClassVar[bool] = False

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_decision_display()} ({self.report})"


class CounterNotice(TenantOwned):
    """The uploader's or site owner's answer to a takedown, filed through the signed link the
    reply mail carried."""

    STATEMENT_MAX = 4000

    takedown = models.ForeignKey(
        TakedownAction, on_delete=models.CASCADE, related_name="counter_notices"
    )
    statement = models.TextField(max_length=STATEMENT_MAX)
    name = models.CharField(max_length=200)
    contact_email = models.EmailField()
    created_at = models.DateTimeField(auto_now_add=True)

    removed_when_site_closes: ClassVar[bool] = False

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"Counter-notice by {self.name}"
