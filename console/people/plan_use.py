"""Who is on each viewer plan, and the changes that depend on it: the site's one default
plan, moving a plan's members, deleting a plan nobody needs any more.

A plan cannot be deleted while members hold it or subscriptions pay for it (or may still
start paying: an unfinished Stripe checkout lives a day, a manual invoice until the
operator records it). Deleting would put the members back on the default plan silently,
and a subscription paid afterwards would find no plan to give (billing.effects)."""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from billing.access import LIVE
from billing.models import Kind, Provider, Status, Subscription
from tenants.models import Membership, Tenant, ViewerPlan

# Stripe Checkout Sessions expire after 24 hours by default
# (docs.stripe.com/api/checkout/sessions/create#expires_at).
CHECKOUT_LIFETIME = timedelta(hours=24)


class PlanInUse(Exception):
    """The plan is needed; str() says by whom and what to do."""


def member_counts(site: Tenant) -> dict[int | None, int]:
    """Members per plan id (None: on the site's default), one query."""
    rows = Membership.objects.for_tenant(site).values("viewer_plan").annotate(n=Count("pk"))
    return {row["viewer_plan"]: row["n"] for row in rows.order_by()}


def subscriber_counts(site: Tenant) -> dict[int, int]:
    """Paying (active or past due) viewer subscriptions per plan id, one query."""
    rows = Subscription.objects.for_tenant(site).filter(kind=Kind.VIEWER, status__in=LIVE)
    counted = rows.values("viewer_plan").annotate(n=Count("pk")).order_by()
    return {row["viewer_plan"]: row["n"] for row in counted}


def _paying(plan: ViewerPlan) -> int:
    recent = timezone.now() - CHECKOUT_LIFETIME
    may_pay = Q(provider=Provider.MANUAL) | Q(created_at__gte=recent)
    waiting = Q(status=Status.INCOMPLETE) & may_pay
    rows = Subscription.objects.for_tenant(plan.tenant).filter(kind=Kind.VIEWER, viewer_plan=plan)
    return rows.filter(Q(status__in=LIVE) | waiting).count()


def _members(plan: ViewerPlan) -> int:
    return Membership.objects.for_tenant(plan.tenant).filter(viewer_plan=plan).count()


def in_use(plan: ViewerPlan) -> str:
    """Why `plan` cannot be deleted now, or ""."""
    if plan.is_default:
        return f"{plan.name} is the default plan: make another plan the default first."
    members, paying = _members(plan), _paying(plan)
    reasons = []
    if members:
        reasons.append(f"{members} member{'s are' if members != 1 else ' is'} on it")
    if paying:
        reasons.append(
            f"{paying} subscription{'s pay' if paying != 1 else ' pays'} for it or "
            f"{'are' if paying != 1 else 'is'} waiting for a first payment"
        )
    if not reasons:
        return ""
    said = " and ".join(reasons)
    advice = " Move its members to another plan first." if members else ""
    if paying:
        advice += (
            " Subscriptions end when their members cancel them (Plans & billing, Manage billing)."
        )
    return f"{plan.name} cannot be deleted: {said}.{advice}"


def delete(plan: ViewerPlan) -> None:
    with transaction.atomic():
        # Under the plan's row lock: nobody is moved onto it between the check and the delete.
        locked = ViewerPlan.objects.select_for_update().select_related("tenant").get(pk=plan.pk)
        if reason := in_use(locked):
            raise PlanInUse(reason)
        locked.delete()


def move_members(plan: ViewerPlan, to: ViewerPlan | None) -> int:
    """Put every member of `plan` on `to` (None: the site's default); how many moved."""
    if to is not None and (to.tenant_id != plan.tenant_id or to.pk == plan.pk):
        raise PlanInUse("Choose another plan of this site.")
    members = Membership.objects.for_tenant(plan.tenant).filter(viewer_plan=plan)
    return members.update(viewer_plan=to)


def make_default(plan: ViewerPlan) -> bool:
    """Make `plan` the site's one default (the tier new members and visitors get); False
    when it was already. The old default is unticked first, in the same transaction, so the
    one-default constraint holds after each statement."""
    if plan.is_default:
        return False
    with transaction.atomic():
        ViewerPlan.objects.for_tenant(plan.tenant).filter(is_default=True).update(is_default=False)
        plan.is_default = True
        plan.save(update_fields=["is_default"])
    return True
