"""Which site a management command works for: the one a `--site DOMAIN` names, else the first
active site (the embedded install has one)."""

from __future__ import annotations

from django.core.management.base import CommandError

from tenants.models import Tenant


def site_for_command(domain: str | None) -> Tenant:
    """The site with `domain`, or the first active site; a CommandError an operator can act
    on when there is none."""
    if domain:
        tenant = Tenant.objects.filter(domains__hostname=domain.lower()).first()
        if tenant is None:
            raise CommandError(f"no site has the domain {domain}")
        return tenant
    tenant = Tenant.objects.filter(is_active=True).order_by("pk").first()
    if tenant is None:
        raise CommandError("there is no site yet; run `manage.py bootstrap` first")
    return tenant
