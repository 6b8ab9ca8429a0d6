"""Issuing, finding, using and revoking API tokens (the model is streaming.models.ApiToken).

Called alike by `POST /api/token/`, the account page's token list and the API's
authentication class, and on every password change (all of a user's tokens go).
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from streaming.models import ApiToken
from streaming.models.api_token import key_digest

KEY_PREFIX = "sv_"
# What issue_token makes ("sv_" + 43 URL-safe characters); anything else is no key of ours
# and is refused before the database is asked.
KEY_PATTERN = re.compile(r"sv_[A-Za-z0-9_-]{43}")
# last_used_at is written at most this often per token: a busy app would otherwise turn
# every API read into a write.
LAST_USE_EVERY = timedelta(minutes=5)
MAX_LIVE_TOKENS = 50  # per user and site; enough for every device, not for a script's loop


class TokenRefused(Exception):
    """The token cannot be made (the message says why, for the viewer)."""


@dataclass(frozen=True)
class IssuedToken:
    token: ApiToken
    key: str  # shown once; only its digest is stored


def issue_token(user, tenant, name: str, lifetime_days: int | None = None) -> IssuedToken:
    """A new token for `user` on `tenant`'s site, expiring after `lifetime_days`
    (API_TOKEN_LIFETIME_DAYS when None; 0 means it never expires)."""
    name = " ".join(name.split())[:100]
    if not name:
        raise TokenRefused("Give the token a name, such as the app or device that uses it.")
    live = ApiToken.objects.for_tenant(tenant).live().filter(user=user)
    if live.count() >= MAX_LIVE_TOKENS:
        raise TokenRefused(f"You have {MAX_LIVE_TOKENS} tokens here; revoke one first.")
    days = settings.API_TOKEN_LIFETIME_DAYS if lifetime_days is None else lifetime_days
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        tenant=tenant,
        user=user,
        name=name,
        digest=key_digest(key),
        expires_at=timezone.now() + timedelta(days=days) if days else None,
    )
    return IssuedToken(token=token, key=key)


def find_token(key: str) -> ApiToken | None:
    """The token with this key, live or not (the caller says why it refuses), or None."""
    if not KEY_PATTERN.fullmatch(key):
        return None
    return ApiToken.objects.select_related("user").filter(digest=key_digest(key)).first()


def note_use(token: ApiToken) -> None:
    now = timezone.now()
    if token.last_used_at is not None and now - token.last_used_at < LAST_USE_EVERY:
        return
    token.last_used_at = now
    token.save(update_fields=["last_used_at"])


def tokens_of(user, tenant) -> list[ApiToken]:
    """The user's tokens on this site that still work, newest first."""
    return list(ApiToken.objects.for_tenant(tenant).live().filter(user=user))


def revoke_token(user, tenant, token_id: int) -> ApiToken | None:
    """Revoke one of the user's own tokens on this site; None when there is no such token."""
    token = ApiToken.objects.for_tenant(tenant).live().filter(user=user, pk=token_id).first()
    if token is not None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


def revoke_all(user) -> int:
    """Revoke every token of the user on every site (a new password ends them all)."""
    return ApiToken.objects.filter(user=user, revoked_at=None).update(revoked_at=timezone.now())


def revoke_on_new_password(sender, instance, created: bool, raw: bool = False, **kwargs) -> None:
    """post_save of the user model: a password set with set_password() (change, reset, the
    admin, `manage.py changepassword`) revokes every token. Django's silent re-hash on
    sign-in saves the password too, but clears `_password` first, so it revokes nothing."""
    if created or raw or getattr(instance, "_password", None) is None:
        return
    revoke_all(instance)
