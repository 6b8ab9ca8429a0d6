"""An owner's own domain for their site: added pending with a random token, verified by a DNS
TXT record or a file under /.well-known (tenants/domain_checks.py), and only then routed
(tenants/middleware.py resolves verified hostnames only). The site plan's `custom_domains`
says how many a site may have; hostnames under SITES_BASE_DOMAIN are the operator's."""

from __future__ import annotations

import ipaddress
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from tenants import domain_checks
from tenants.models import Domain, Tenant, hostname_validator

NOT_A_HOSTNAME = "Enter a hostname such as watch.example.com: no scheme, port or path."


def clean_hostname(raw: str) -> str:
    """The hostname as stored (lower case, IDNA/punycode, no trailing dot), or a form error."""
    value = (raw or "").strip().rstrip(".")
    if not value or any(ch in value for ch in "/:@ \\?#[]"):
        raise ValidationError(NOT_A_HOSTNAME)
    try:
        ipaddress.ip_address(value)
    except ValueError:
        pass
    else:
        raise ValidationError("Enter a hostname, not an IP address.")
    try:
        # Unicode names are stored as their ASCII (punycode) form, which DNS and Host use.
        value = value.encode("idna").decode("ascii").lower()
    except UnicodeError:
        raise ValidationError(NOT_A_HOSTNAME) from None
    hostname_validator(value)
    if "." not in value:
        raise ValidationError("Enter a full domain name, such as watch.example.com.")
    base = settings.SITES_BASE_DOMAIN
    if base and (value == base or value.endswith(f".{base}")):
        raise ValidationError(f"Names under {base} are given by the operator, not added here.")
    return value


def custom_count(tenant: Tenant) -> int:
    """The owner's own domains: those added to be proved (a token); hostnames the operator
    set (its subdomain, ones pointed by hand) do not count against the plan."""
    return Domain.objects.for_tenant(tenant).exclude(verification_token="").count()


def check_allowance(tenant: Tenant) -> None:
    plan = tenant.plan
    if plan is not None and custom_count(tenant) >= plan.custom_domains:
        raise ValidationError(
            f"The site's plan allows {plan.custom_domains} custom domain(s); remove one first."
        )


def new_token() -> str:
    return secrets.token_hex(20)


def add(tenant: Tenant, raw_hostname: str) -> Domain:
    """A pending custom domain with a fresh token; ValidationError for bad or taken names or
    one past the plan's count."""
    hostname = clean_hostname(raw_hostname)
    if Domain.objects.filter(hostname=hostname).exists():
        raise ValidationError("This hostname is already in use.")
    with transaction.atomic():
        Tenant.objects.select_for_update().filter(pk=tenant.pk).first()  # one add at a time
        check_allowance(tenant)
        try:
            with transaction.atomic():
                return Domain.objects.create(
                    tenant=tenant,
                    hostname=hostname,
                    state=Domain.State.PENDING,
                    verification_token=new_token(),
                )
        except IntegrityError:
            raise ValidationError("This hostname is already in use.") from None


def verify(domain: Domain) -> bool:
    """Check a pending domain now; verified when either proof holds. The result is kept for
    the admin to show."""
    if domain.is_verified:
        return True
    token = domain.verification_token
    problems = [domain_checks.dns_problem(domain.hostname, token)]
    if problems[0] is not None:
        problems.append(domain_checks.http_problem(domain.hostname, token))
    found = problems[-1] is None
    domain.last_checked_at = timezone.now()
    domain.last_check_result = "Verified." if found else " ".join(p or "" for p in problems)[:300]
    fields = ["last_checked_at", "last_check_result"]
    if found:
        domain.state = Domain.State.VERIFIED
        fields.append("state")
    domain.save(update_fields=fields)
    return found


def recheck_pending(limit: int = 200) -> int:
    """Check the pending domains checked longest ago (beat); how many became verified."""
    pending = Domain.objects.filter(state=Domain.State.PENDING).order_by("last_checked_at", "pk")
    return sum(verify(domain) for domain in pending[:limit])
