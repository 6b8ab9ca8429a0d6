"""One row per thing an operator or a site admin did: a form or action they sent in the admin
or the console, and their sign-ins. Rows are never changed; old ones go after
AUDIT_KEEP_DAYS (audit.recording.forget_old)."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from tenants.scoping import TenantOwned


class AuditEvent(TenantOwned):
    """`tenant` is the site whose address the request came to."""

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The name as it was: the account may be renamed or deleted later.
    actor_name = models.CharField(max_length=150)
    by_operator = models.BooleanField(default=False)
    action = models.CharField(max_length=200, help_text="what was done: the page's name or sign-in")
    method = models.CharField(max_length=10, blank=True)
    path = models.CharField(max_length=500, blank=True)
    status = models.PositiveSmallIntegerField(null=True, blank=True)
    # The admin's own summary of a change ("Changed title and poster."), when it made one.
    summary = models.TextField(blank=True)
    address = models.GenericIPAddressField(null=True, blank=True)
    request_id = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["tenant", "-at"], name="audit_site_recent")]

    def __str__(self) -> str:
        return f"{self.actor_name}: {self.action}"
