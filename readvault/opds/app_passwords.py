"""Making, finding, using and revoking app passwords (readvault.models.AppPassword): the
passwords reader apps sign in to the OPDS catalogue with, one per app, per site.

The secret is shown once, when made; only its digest is stored. It works as the password
of HTTP Basic (with the account's username) and, for apps that take only a URL, inside the
catalogue's address (`/opds/key/<secret>/`).
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.utils import timezone

from readvault.models import AppPassword
from readvault.models.reading import app_password_digest

SECRET_PREFIX = "rv_"  # noqa: S105 - a marker, not a secret
# What `issue` makes ("rv_" + 43 URL-safe characters): anything else is refused before the
# database is asked, and the secret is safe inside a URL path.
SECRET_PATTERN = re.compile(r"rv_[A-Za-z0-9_-]{43}")
# last_used_at is written at most this often: an app streaming pages would otherwise turn
# every page into a write.
LAST_USE_EVERY = timedelta(minutes=5)
MAX_LIVE = 50  # per user and site: one per device, not a script's loop


class AppPasswordRefused(Exception):
    """The password cannot be made (the message says why, for the viewer)."""


@dataclass(frozen=True)
class IssuedPassword:
    password: AppPassword
    secret: str  # shown once


def issue(user, tenant, name: str) -> IssuedPassword:
    name = " ".join(name.split())[:100]
    if not name:
        raise AppPasswordRefused("Give it a name, such as the app or device that uses it.")
    if AppPassword.objects.for_tenant(tenant).live().filter(user=user).count() >= MAX_LIVE:
        raise AppPasswordRefused(f"You have {MAX_LIVE} app passwords here; revoke one first.")
    secret = SECRET_PREFIX + secrets.token_urlsafe(32)
    password = AppPassword.objects.create(
        tenant=tenant, user=user, name=name, digest=app_password_digest(secret)
    )
    return IssuedPassword(password=password, secret=secret)


def find_live(secret: str, tenant) -> AppPassword | None:
    """The live app password of `tenant`'s site with this secret, with its user, or None
    (another site's, a revoked one and no secret at all look the same)."""
    if tenant is None or not SECRET_PATTERN.fullmatch(secret):
        return None
    found = AppPassword.objects.for_tenant(tenant).live().select_related("user")
    return found.filter(digest=app_password_digest(secret)).first()


def note_use(password: AppPassword) -> None:
    now = timezone.now()
    if password.last_used_at is not None and now - password.last_used_at < LAST_USE_EVERY:
        return
    password.last_used_at = now
    AppPassword.objects.filter(pk=password.pk).update(last_used_at=now)


def live_passwords(user, tenant) -> list[AppPassword]:
    return list(AppPassword.objects.for_tenant(tenant).live().filter(user=user))


def revoke(user, tenant, password_id: int) -> AppPassword | None:
    """Revoke one of the user's live app passwords here; None when it is not one."""
    password = AppPassword.objects.for_tenant(tenant).live().filter(user=user, pk=password_id)
    found = password.first()
    if found is None:
        return None
    found.revoked_at = timezone.now()
    found.save(update_fields=["revoked_at"])
    return found
