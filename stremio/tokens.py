"""Making, finding, using and revoking addon tokens (stremio.models.AddonToken).

Called by the account's Stremio tab (make, list, revoke) and by every addon route (find,
note the use). The token travels inside the addon URL, so it is URL-safe by construction.
"""

from __future__ import annotations

import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.utils import timezone

from stremio.models import AddonToken, token_digest

TOKEN_PREFIX = "st_"  # noqa: S105 - a marker, not a secret
# What `issue` makes ("st_" + 43 URL-safe characters): anything else is refused before the
# database is asked, and whatever reaches the query is safe inside a URL path.
TOKEN_PATTERN = re.compile(r"st_[A-Za-z0-9_-]{43}")
# Stremio asks for a catalog, a meta and streams for every item opened: last_used_at is
# written at most this often, or every click would be a write.
LAST_USE_EVERY = timedelta(minutes=1)
MAX_LIVE = 20  # per user and site: one per device, not a script's loop


class TokenRefused(Exception):
    """The token cannot be made (the message says why, for the viewer)."""


@dataclass(frozen=True)
class IssuedToken:
    token: AddonToken
    secret: str  # shown once; only its digest is stored


def issue(user, tenant, name: str) -> IssuedToken:
    name = " ".join(name.split())[:100]
    if not name:
        raise TokenRefused("Give it a name, such as the device Stremio runs on.")
    if AddonToken.objects.for_tenant(tenant).live().filter(user=user).count() >= MAX_LIVE:
        raise TokenRefused(f"You have {MAX_LIVE} Stremio addons here; revoke one first.")
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = AddonToken.objects.create(
        tenant=tenant, user=user, name=name, digest=token_digest(secret)
    )
    return IssuedToken(token=token, secret=secret)


def find_live(secret: str, tenant) -> AddonToken | None:
    """The live token of `tenant`'s site with this secret, with its user, or None: another
    site's token, a revoked one and no token at all look the same."""
    if tenant is None or not TOKEN_PATTERN.fullmatch(secret):
        return None
    digest = token_digest(secret)
    found = AddonToken.objects.for_tenant(tenant).live().select_related("user")
    token = found.filter(digest=digest).first()
    # The index finds the row by the digest of a 256-bit secret, which a caller cannot steer
    # byte by byte; the comparison that decides is constant-time all the same.
    if token is None or not hmac.compare_digest(token.digest, digest):
        return None
    return token


def note_use(token: AddonToken) -> None:
    now = timezone.now()
    if token.last_used_at is not None and now - token.last_used_at < LAST_USE_EVERY:
        return
    token.last_used_at = now
    AddonToken.objects.filter(pk=token.pk).update(last_used_at=now)


def live_tokens(user, tenant) -> list[AddonToken]:
    """The user's addon tokens on this site that still work, newest first."""
    return list(AddonToken.objects.for_tenant(tenant).live().filter(user=user))


def revoke(user, tenant, token_id: int) -> AddonToken | None:
    """Revoke one of the user's live tokens here; None when it is not one."""
    token = AddonToken.objects.for_tenant(tenant).live().filter(user=user, pk=token_id).first()
    if token is None:
        return None
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    return token


def revoke_on_new_password(sender, instance, created: bool, raw: bool = False, **kwargs) -> None:
    """post_save of the user model: a new password (change, reset, the admin,
    `manage.py changepassword`) ends every addon URL of the user on every site, as it ends
    their API tokens: whoever learned the old password may have made one. Django's silent
    re-hash on sign-in clears `_password` before it saves, so it revokes nothing."""
    if created or raw or getattr(instance, "_password", None) is None:
        return
    AddonToken.objects.filter(user=instance, revoked_at=None).update(revoked_at=timezone.now())
