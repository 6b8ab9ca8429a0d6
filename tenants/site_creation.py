"""The operator's one form for a new site: its name, plan, subdomain and owner, in one
transaction. The site answers at once on "<subdomain>.<SITES_BASE_DOMAIN>" (its primary
hostname). An owner with an account becomes the site's admin; a new address gets a mail
invitation with the admin role (tenants/inviting.py), so no password is ever chosen for
somebody else."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction

from tenants import inviting
from tenants.models import Domain, Invitation, Membership, SitePlan, Tenant

# Names that mean something else under the operator's domain (the gateway, mail, the API).
RESERVED_SUBDOMAINS = frozenset(
    {
        "www", "admin", "api", "media", "static", "stream", "streams", "mail", "smtp",
        "imap", "pop", "ftp", "cdn", "assets", "app", "auth", "login", "status", "help",
        "support", "billing", "docs", "dev", "staging", "test", "ns1", "ns2", "localhost",
        "gateway", "shadowvault", "_shadowvault-challenge",
    }
)  # fmt: skip
SUBDOMAIN = re.compile(r"^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$")


class NewSiteForm(forms.Form):
    name = forms.CharField(max_length=100)
    subdomain = forms.CharField(
        max_length=63, help_text="Letters, digits and hyphens: the site's address and its slug."
    )
    plan = forms.ModelChoiceField(SitePlan.objects.all(), required=False, empty_label="No limits")
    owner_email = forms.EmailField(
        label="Owner's e-mail",
        help_text="An existing account becomes the site's admin; a new address is invited.",
    )

    def clean_subdomain(self) -> str:
        base = settings.SITES_BASE_DOMAIN
        if not base:
            raise forms.ValidationError("Set SITES_BASE_DOMAIN to make sites under it.")
        value = self.cleaned_data["subdomain"].strip().lower()
        if not SUBDOMAIN.match(value):
            raise forms.ValidationError(
                "Use letters a-z, digits and hyphens (not first or last), up to 63."
            )
        if value in RESERVED_SUBDOMAINS:
            raise forms.ValidationError(f"'{value}' is reserved.")
        if len(value) > 50 or Tenant.objects.filter(slug=value).exists():
            raise forms.ValidationError("A site already has this name; choose another.")
        if Domain.objects.filter(hostname=f"{value}.{base}").exists():
            raise forms.ValidationError("A site already answers on this address.")
        return value

    def clean_owner_email(self) -> str:
        return self.cleaned_data["owner_email"].strip().lower()


@dataclass(frozen=True)
class NewSite:
    tenant: Tenant
    owner_invited: bool


def create_site(
    name: str, subdomain: str, plan: SitePlan | None, owner_email: str, *, https: bool, by=None
) -> NewSite:
    """Make the site, its primary hostname and its owner's membership (or invitation)."""
    owner = get_user_model().objects.filter(email__iexact=owner_email, is_active=True).first()
    with transaction.atomic():
        tenant = Tenant.objects.create(name=name, slug=subdomain, plan=plan)
        hostname = f"{subdomain}.{settings.SITES_BASE_DOMAIN}"
        Domain.objects.create(tenant=tenant, hostname=hostname, is_primary=True)
        if owner is not None:
            Membership.objects.create(tenant=tenant, user=owner, role=Membership.Role.ADMIN)
            return NewSite(tenant, owner_invited=False)
        invitation, token = inviting.issue(
            tenant,
            kind=Invitation.Kind.MAIL,
            email=owner_email,
            role=Membership.Role.ADMIN,
            created_by=by,
        )
        # The mail goes once the rows are there: a rolled-back site sends nothing.
        transaction.on_commit(lambda: inviting.mail(invitation, token, https))
    return NewSite(tenant, owner_invited=True)
