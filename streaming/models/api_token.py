"""API tokens: named, expiring, revocable, and valid on the one site they were issued on.

Only a SHA-256 digest of the key is stored, so a database leak gives no working token; the
key itself is shown once, when it is made. Keys are 256 random bits, so an unsalted digest is
enough (nothing to guess a password-style dictionary against).
"""

from __future__ import annotations

import hashlib
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone

from tenants.scoping import TenantOwned, TenantOwnedQuerySet


def key_digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


class ApiTokenQuerySet(TenantOwnedQuerySet):
    def live(self) -> ApiTokenQuerySet:
        """Not revoked and not expired: the tokens that still open the API."""
        now = timezone.now()
        return self.filter(revoked_at=None).filter(
            models.Q(expires_at=None) | models.Q(expires_at__gt=now)
        )


ApiTokenManager = models.Manager.from_queryset(ApiTokenQuerySet)


class ApiToken(TenantOwned):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(max_length=100)
    digest = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(null=True, blank=True, help_text="Empty: never expires.")
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects: ClassVar[ApiTokenManager] = ApiTokenManager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["user", "tenant"], name="api_token_owner")]

    def __str__(self) -> str:
        return self.name

    @property
    def is_expired(self) -> bool:
        return self.expires_at is not None and self.expires_at <= timezone.now()

    @property
    def is_live(self) -> bool:
        return self.revoked_at is None and not self.is_expired
