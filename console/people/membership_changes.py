"""What a site admin changes about a member from the console: the role, the viewer plan,
and removal from the site. The account itself is shared by every site and stays.

A site always keeps one admin: the last one can be neither demoted nor removed, checked
under a lock on the site's admin rows so two admins demoting each other at once cannot
leave the site with none.
"""

from __future__ import annotations

from django.db import transaction

from tenants.models import Membership, Tenant, ViewerPlan

LAST_ADMIN = (
    "{user} is {site}'s last admin: make another member an admin first, or the site would "
    "have nobody to run it."
)


class ChangeRefused(Exception):
    """The change would break a rule; str() is the sentence to show."""


def _check_not_last_admin(membership: Membership) -> None:
    """Inside a transaction: refuse when `membership` is the site's only admin."""
    admins = Membership.objects.for_tenant(membership.tenant).filter(role=Membership.Role.ADMIN)
    # Locked in a stable order (pk), so two of these at once wait rather than deadlock.
    locked = list(admins.select_for_update().order_by("pk").values_list("pk", flat=True))
    if locked == [membership.pk]:
        raise ChangeRefused(LAST_ADMIN.format(user=membership.user, site=membership.tenant))


def change_role(membership: Membership, role: str) -> bool:
    """Give the member `role`; False when it was theirs already."""
    if role == membership.role:
        return False
    with transaction.atomic():
        if membership.is_admin:
            _check_not_last_admin(membership)
        membership.role = role
        membership.save(update_fields=["role"])
    return True


def change_plan(membership: Membership, plan: ViewerPlan | None) -> bool:
    """Put the member on `plan` (None: the site's default); False when nothing changed.
    The plan must be of the member's own site (the form offers no other)."""
    if plan is not None and plan.tenant_id != membership.tenant_id:
        raise ChangeRefused("Choose a viewer plan of this site.")
    if membership.viewer_plan_id == (plan.pk if plan else None):
        return False
    membership.viewer_plan = plan
    membership.save(update_fields=["viewer_plan"])
    return True


def remove(membership: Membership) -> None:
    """Take the member off the site (their account, watched history on other sites and
    subscriptions' records stay)."""
    with transaction.atomic():
        if membership.is_admin:
            _check_not_last_admin(membership)
        membership.delete()


def last_admin_refusal(membership: Membership) -> str:
    """What the remove and demote forms say up front about the site's last admin, or ""."""
    if not membership.is_admin:
        return ""
    admins = Membership.objects.for_tenant(membership.tenant).filter(role=Membership.Role.ADMIN)
    if admins.exclude(pk=membership.pk).exists():
        return ""
    return LAST_ADMIN.format(user=membership.user, site=membership.tenant)


def member_count(site: Tenant) -> int:
    return Membership.objects.for_tenant(site).count()
