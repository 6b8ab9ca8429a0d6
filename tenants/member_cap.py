"""The site plan's cap on members, checked where people become members on their own:
sign-up (when the mailed link is followed), joining with an existing account, and
invitations. An operator adding a membership in the admin is not capped: that is the
operator's call.

`check_room` is the early answer a page gives; `hold_room`, inside the transaction that makes
the membership, is the one that counts: it locks the site's row first, so two people joining
at the same instant cannot both take the last place (PostgreSQL: SELECT … FOR UPDATE; SQLite
transactions here are IMMEDIATE, so writers queue anyway)."""

from __future__ import annotations

from django.db import transaction

from tenants.models import Membership, Tenant

SITE_FULL = "{site} is full: it has as many members as its plan allows."


class SiteFull(Exception):
    """The site has reached its plan's member cap; str() is the sentence to show."""


def check_room(tenant: Tenant) -> None:
    """Raise SiteFull when one more member would pass the site plan's cap."""
    cap = tenant.plan.max_members if tenant.plan is not None else None
    if cap is not None and Membership.objects.for_tenant(tenant).count() >= cap:
        raise SiteFull(SITE_FULL.format(site=tenant.name))


def hold_room(tenant: Tenant) -> None:
    """`check_room` under a lock on the site's row, held until the caller's transaction ends;
    call it inside that transaction, just before the membership is made."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("hold_room() belongs inside the transaction that adds the member")
    Tenant.objects.select_for_update().filter(pk=tenant.pk).values_list("pk").first()
    check_room(tenant)
