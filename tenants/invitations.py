"""Invitations to join one site: a shareable link (expiry, a number of uses) or a mail to one
address (single use). Only a digest of the token is stored: a leaked database row cannot be
turned into a working link. How they are issued and accepted: tenants/inviting.py."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone

from tenants.scoping import TenantOwned, TenantOwnedQuerySet


class InvitationQuerySet(TenantOwnedQuerySet):
    def usable(self) -> InvitationQuerySet:
        return self.filter(expires_at__gt=timezone.now(), uses__lt=models.F("max_uses"))


InvitationManager = models.Manager.from_queryset(InvitationQuerySet)


class Invitation(TenantOwned):
    class Kind(models.TextChoices):
        LINK = "link", "Shareable link"
        MAIL = "mail", "Mail to one address"

    kind = models.CharField(max_length=4, choices=Kind.choices, default=Kind.LINK)
    email = models.EmailField(blank=True, help_text="Mail invitations: the address invited.")
    # Membership.Role's values, written out: tenants.models imports this module.
    role = models.CharField(
        max_length=10,
        choices=[("viewer", "Viewer"), ("admin", "Site admin")],
        default="viewer",
        help_text="The role the invitation gives.",
    )
    token_digest = models.CharField(max_length=64, unique=True, editable=False)
    expires_at = models.DateTimeField()
    max_uses = models.PositiveIntegerField(default=1)
    uses = models.PositiveIntegerField(default=0, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects: ClassVar[InvitationManager] = InvitationManager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(kind="mail") | models.Q(max_uses=1),
                name="mail_invitation_single_use",
            ),
        ]

    def __str__(self) -> str:
        who = self.email or "link"
        return f"Invitation to {self.tenant} ({who})"

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()

    @property
    def is_used_up(self) -> bool:
        return self.uses >= self.max_uses
