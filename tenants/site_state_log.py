"""The record of every change of a site's state: from, to, who, why, when. Written only by
tenants.site_states.change_state, in the same transaction as the change itself."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from tenants.scoping import TenantOwned
from tenants.site_state_rules import SiteState


class SiteStateChange(TenantOwned):
    removed_when_site_closes = False  # the record outlives the data

    from_state = models.CharField(max_length=10, choices=SiteState.choices)
    to_state = models.CharField(max_length=10, choices=SiteState.choices)
    # Empty: the system (a periodic task). A deleted account leaves the record in place.
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reason = models.TextField()
    # The grace period's end (past due) or the day data goes (closed), as set by this change.
    until = models.DateTimeField(null=True, blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = "site state change"

    def __str__(self) -> str:
        return f"{self.tenant}: {self.from_state} → {self.to_state}"

    @property
    def by_label(self) -> str:
        return str(self.by) if self.by_id else "system"
