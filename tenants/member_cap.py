"""The site plan's cap on members, checked where people become members on their own:
sign-up (when the mailed link is followed) and joining with an existing account. An
operator adding a membership in the admin is not capped: that is the operator's call."""

from __future__ import annotations

from tenants.models import Membership, Tenant

SITE_FULL = "{site} is full: it has as many members as its plan allows."


class SiteFull(Exception):
    """The site has reached its plan's member cap; str() is the sentence to show."""


def check_room(tenant: Tenant) -> None:
    """Raise SiteFull when one more member would pass the site plan's cap."""
    cap = tenant.plan.max_members if tenant.plan is not None else None
    if cap is not None and Membership.objects.for_tenant(tenant).count() >= cap:
        raise SiteFull(SITE_FULL.format(site=tenant.name))
