"""Sign-up by mail, saying nothing on the page about which accounts exist.

Accounts are shared by the operator's sites, so a name or address may already be taken on
another site. The form's answer is the same whatever the case ("check your mail"), and the
mail explains: a link to confirm a new account; "you already have an account, sign in here to
join" for a known address; "that username is taken, choose another" for a new address with a
taken username. Every branch hashes the password and sends one mail, so timing tells little.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from tenants.forms import mail_link_origin
from tenants.member_cap import check_room, hold_room
from tenants.models import Membership, PendingSignup, Tenant


@dataclass(frozen=True)
class Applicant:
    username: str
    email: str
    password: str

    @classmethod
    def from_form(cls, cleaned: dict) -> Applicant:
        return cls(cleaned["username"], cleaned["email"], cleaned["password1"])


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _link(request: HttpRequest, tenant: Tenant, path: str) -> str:
    origin = mail_link_origin(tenant, request)
    scheme = "https" if origin["use_https"] else "http"
    return f"{scheme}://{origin['domain_override']}{path}"


def _mail(request: HttpRequest, tenant: Tenant, to: str, template: str, context: dict) -> None:
    context = {"tenant": tenant, "login_url": _link(request, tenant, reverse("login")), **context}
    context["reset_url"] = _link(request, tenant, reverse("password_reset"))
    context["signup_url"] = _link(request, tenant, reverse("signup"))
    subject = render_to_string(f"registration/{template}_subject.txt", context).strip()
    body = render_to_string(f"registration/{template}_email.txt", context)
    send_mail(subject, body, None, [to])


def start(request: HttpRequest, tenant: Tenant, applicant: Applicant) -> None:
    """Mail the applicant what happens next; the page says the same in every case."""
    users = get_user_model().objects
    password = make_password(applicant.password)  # in every branch: no timing difference
    existing = users.filter(email__iexact=applicant.email).first()
    if existing is not None:
        member = tenant.role_of(existing) is not None
        _mail(
            request, tenant, existing.email, "signup_existing", {"user": existing, "member": member}
        )
        return
    if users.filter(username__iexact=applicant.username).exists():
        _mail(request, tenant, applicant.email, "signup_username_taken", {"applicant": applicant})
        return
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        PendingSignup.objects.for_tenant(tenant).filter(email__iexact=applicant.email).delete()
        PendingSignup.objects.create(
            tenant=tenant,
            username=applicant.username,
            email=applicant.email,
            password=password,
            token_digest=_digest(token),
        )
    url = _link(request, tenant, reverse("signup_confirm", args=[token]))
    _mail(request, tenant, applicant.email, "signup_confirm", {"applicant": applicant, "url": url})


def pending_for(tenant: Tenant, token: str) -> PendingSignup | None:
    """The unexpired sign-up this site mailed `token` for, or None."""
    oldest = timezone.now() - timedelta(hours=PendingSignup.LIFETIME_HOURS)
    PendingSignup.objects.filter(created_at__lt=oldest).delete()  # expired ones go
    return PendingSignup.objects.for_tenant(tenant).filter(token_digest=_digest(token)).first()


class NameTaken(Exception):
    """The username or address was taken between the mail and the click."""


def confirm(pending: PendingSignup):
    """Make the account and its membership of the site; the link works once. A full site
    (tenants.member_cap) raises SiteFull and keeps the link for when there is room."""
    check_room(pending.tenant)
    users = get_user_model().objects
    taken = (
        users.filter(username__iexact=pending.username).exists()
        or users.filter(email__iexact=pending.email).exists()
    )
    if taken:
        pending.delete()
        raise NameTaken(pending.username)
    try:
        with transaction.atomic():
            hold_room(pending.tenant)  # the last place taken meanwhile: the link stays
            user = users.create(
                username=pending.username, email=pending.email, password=pending.password
            )
            Membership.objects.create(tenant=pending.tenant, user=user)
            pending.delete()
    except IntegrityError:  # the same name, confirmed in the same instant elsewhere
        raise NameTaken(pending.username) from None
    return user
