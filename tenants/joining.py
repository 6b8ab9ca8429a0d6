"""Joining another of the operator's sites with the account one already has.

Signing in on a site where the account has no membership checks the password as usual
(throttled by django-axes); where sign-up is open, the session then remembers the offer for
a few minutes and the "Join <site>" page turns it into a membership. Nothing here takes a
password, so the page cannot be used to guess one.
"""

from __future__ import annotations

import time

from django.contrib.auth import get_user_model, login
from django.db import transaction

from tenants.member_cap import hold_room
from tenants.models import Membership
from tenants.request_types import SiteRequest

SESSION_KEY = "tenants.join_offer"
OFFER_SECONDS = 600


def offer(request: SiteRequest, user, next_url: str) -> None:
    """Remember that this visitor proved the password of `user` on this site just now."""
    request.session[SESSION_KEY] = {
        "user": user.pk,
        "tenant": request.tenant.pk,
        "at": time.time(),
        "next": next_url,
    }


def offered(request: SiteRequest) -> tuple[object, str] | None:
    """The user and the page to go on to, while the offer stands on this site; else None."""
    data = request.session.get(SESSION_KEY)
    if not isinstance(data, dict) or data.get("tenant") != request.tenant.pk:
        return None
    if not request.tenant.signup_open or time.time() - data.get("at", 0) > OFFER_SECONDS:
        return None
    user_pk = data.get("user")
    if user_pk is None:
        return None
    user = get_user_model().objects.filter(pk=user_pk, is_active=True).first()
    return (user, data.get("next") or "") if user is not None else None


def accept(request: SiteRequest, user) -> Membership:
    """The user becomes a viewer of this site and is signed in here; SiteFull when the
    site plan's member cap is reached (tenants.member_cap)."""
    with transaction.atomic():
        hold_room(request.tenant)
        membership, _ = Membership.objects.get_or_create(tenant=request.tenant, user=user)
    request.session.pop(SESSION_KEY, None)
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    return membership
