"""Addon tokens: the secret inside a viewer's addon URL (`/stremio/<token>/manifest.json`).

One per Stremio install the viewer makes, valid on the one site it was made on. Only a
SHA-256 digest is stored (256 random bits need no salt: there is no dictionary to run), so a
database leak gives no working addon URL; the token itself is shown once, when made.
"""

from __future__ import annotations

import hashlib
from typing import ClassVar

from django.conf import settings
from django.db import models

from tenants.scoping import TenantOwned, TenantOwnedQuerySet


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class AddonTokenQuerySet(TenantOwnedQuerySet):
    def live(self) -> AddonTokenQuerySet:
        """Not revoked: the tokens whose addon URL still answers."""
        return self.filter(revoked_at=None)


AddonTokenManager = models.Manager.from_queryset(AddonTokenQuerySet)


class AddonToken(TenantOwned):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="stremio_tokens"
    )
    name = models.CharField(max_length=100)
    digest = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects: ClassVar[AddonTokenManager] = AddonTokenManager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["user", "tenant"], name="stremio_token_owner")]

    def __str__(self) -> str:
        return self.name

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None
