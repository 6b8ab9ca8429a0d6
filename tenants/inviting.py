"""Issuing and accepting invitations (tenants/invitations.py).

Accepting either signs in an existing account (its password checked here, throttled by
django-axes as every sign-in) or makes a new one; both become members of the invitation's
site with its role. A use is counted under a row lock, so a link with one use left admits one
of two people clicking at once. The member cap (tenants/member_cap.py) applies.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from tenants.member_cap import hold_room
from tenants.models import Invitation, Membership, Tenant

LINK_DAYS = 7
MAIL_DAYS = 14


class InvitationRefused(Exception):
    """The token names no usable invitation of this site; str() is the sentence to show."""


UNKNOWN = "This invitation link is not valid here. Check that you opened the whole link."
EXPIRED = "This invitation has expired. Ask the site's admin for a new one."
USED_UP = "This invitation has been used as many times as it allows."
CLOSED = "{site} is not taking new members at the moment."


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> tuple[str, str]:
    """A token to hand out once, and the digest to keep."""
    token = secrets.token_urlsafe(32)
    return token, _digest(token)


def default_expiry(kind: str):
    days = MAIL_DAYS if kind == Invitation.Kind.MAIL else LINK_DAYS
    return timezone.now() + timedelta(days=days)


def site_link(tenant: Tenant, path: str, https: bool) -> str:
    """An absolute link on the site's primary hostname (never a request's Host header)."""
    domain = tenant.primary_domain
    host = domain.hostname if domain is not None else "localhost"
    return f"{'https' if https else 'http'}://{host}{path}"


def accept_path(token: str) -> str:
    return reverse("invitation_accept", args=[token])


def issue(
    tenant: Tenant,
    *,
    kind: str = Invitation.Kind.LINK,
    email: str = "",
    role: str = Membership.Role.VIEWER,
    max_uses: int = 1,
    expires_at=None,
    created_by=None,
) -> tuple[Invitation, str]:
    """A new invitation and its token (shown or mailed once; only its digest is kept)."""
    token, digest = new_token()
    invitation = Invitation.objects.create(
        tenant=tenant,
        kind=kind,
        email=email.strip().lower(),
        role=role,
        max_uses=1 if kind == Invitation.Kind.MAIL else max_uses,
        expires_at=expires_at or default_expiry(kind),
        token_digest=digest,
        created_by=created_by,
    )
    return invitation, token


def mail(invitation: Invitation, token: str, https: bool) -> None:
    """Send a mail invitation to its address, with the link to accept it."""
    context = {
        "tenant": invitation.tenant,
        "invitation": invitation,
        "url": site_link(invitation.tenant, accept_path(token), https),
    }
    subject = render_to_string("registration/invitation_subject.txt", context).strip()
    body = render_to_string("registration/invitation_email.txt", context)
    send_mail(subject, body, None, [invitation.email])


def find(tenant: Tenant, token: str) -> Invitation:
    """This site's invitation for `token`, usable now; InvitationRefused says why not."""
    if not tenant.takes_invitations:
        raise InvitationRefused(CLOSED.format(site=tenant.name))
    invitation = Invitation.objects.for_tenant(tenant).filter(token_digest=_digest(token)).first()
    if invitation is None:
        raise InvitationRefused(UNKNOWN)
    if invitation.is_expired:
        raise InvitationRefused(EXPIRED)
    if invitation.is_used_up:
        raise InvitationRefused(USED_UP)
    return invitation


def _use(invitation: Invitation, user) -> Membership:
    """Inside a transaction: count one use (row locked) and make the membership."""
    locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if locked.is_expired:
        raise InvitationRefused(EXPIRED)
    if locked.is_used_up:
        raise InvitationRefused(USED_UP)
    existing = Membership.objects.for_tenant(locked.tenant).filter(user=user).first()
    if existing is not None:
        return existing  # already a member: nothing used up
    hold_room(locked.tenant)
    membership = Membership.objects.create(tenant=locked.tenant, user=user, role=locked.role)
    locked.uses += 1
    locked.save(update_fields=["uses"])
    return membership


def accept_existing(invitation: Invitation, user) -> Membership:
    """An account that proved its password joins the invitation's site."""
    with transaction.atomic():
        return _use(invitation, user)


class NameTaken(Exception):
    """The username or address already has an account: sign in instead."""


def accept_new(invitation: Invitation, username: str, email: str, password: str):
    """A new account, a member of the invitation's site. A mail invitation's account takes
    the invited address: the mail proved it."""
    users = get_user_model().objects
    if invitation.kind == Invitation.Kind.MAIL:
        email = invitation.email
    if users.filter(username__iexact=username).exists() or (
        users.filter(email__iexact=email).exists()
    ):
        raise NameTaken(username)
    try:
        with transaction.atomic():
            user = users.create_user(username=username, email=email, password=password)
            _use(invitation, user)
    except IntegrityError:  # the same name, taken in the same instant elsewhere
        raise NameTaken(username) from None
    return user
