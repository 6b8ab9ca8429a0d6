"""The one way a subscription's status changes: set_status keeps the providers' order of
events (billing.subscription_rules), records the change and applies its effects
(billing.effects) in one transaction, under a row lock."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction

from billing import effects
from billing.models import Kind, Status, Subscription, SubscriptionChange
from billing.subscription_rules import accepts
from tenants.models import SitePlan, Tenant, ViewerPlan


def start(
    tenant: Tenant,
    *,
    user,
    provider: str,
    viewer_plan: ViewerPlan | None = None,
    site_plan: SitePlan | None = None,
) -> Subscription:
    """A subscription waiting for its first payment (incomplete): the one this payer already
    started for the plan with this provider (a second click, a checkout left and retried),
    else a new one."""
    kind = Kind.VIEWER if viewer_plan is not None else Kind.SITE
    pending = Subscription.objects.for_tenant(tenant).filter(
        kind=kind,
        user=user,
        viewer_plan=viewer_plan,
        site_plan=site_plan,
        provider=provider,
        status=Status.INCOMPLETE,
        provider_subscription_id="",
    )
    found = pending.order_by("-created_at").first()
    if found is not None:
        return found
    plan = viewer_plan or site_plan
    return Subscription.objects.create(
        tenant=tenant,
        kind=kind,
        user=user,
        viewer_plan=viewer_plan,
        site_plan=site_plan,
        plan_name_then=plan.name if plan is not None else "",
        provider=provider,
    )


def set_status(
    subscription: Subscription,
    new_status: str,
    *,
    at: datetime,
    reason: str,
    period_end: datetime | None = None,
) -> SubscriptionChange | None:
    """Apply what the provider said at `at`. An older or impossible statement changes
    nothing (None); a newer one with the same status may still move the period's end."""
    with transaction.atomic():
        row = Subscription.objects.select_for_update().get(pk=subscription.pk)
        if not accepts(row.status, row.status_at, new_status, at):
            return None
        previous = row.status
        row.status = new_status
        row.status_at = at
        if period_end is not None:
            row.current_period_end = period_end
        row.save(update_fields=["status", "status_at", "current_period_end", "updated_at"])
        change = None
        if previous != new_status:
            effect = effects.apply(row, previous, reason=reason, at=at)
            change = SubscriptionChange.objects.create(
                tenant_id=row.tenant_id,
                subscription=row,
                from_status=previous,
                to_status=new_status,
                reason=reason[:500],
                effect=effect[:500],
                at=at,
            )
    for name in ("status", "status_at", "current_period_end"):
        setattr(subscription, name, getattr(row, name))
    return change


def is_live(subscription: Subscription) -> bool:
    return subscription.status in (Status.ACTIVE, Status.PAST_DUE)
