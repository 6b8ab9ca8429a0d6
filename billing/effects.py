"""What a subscription's new status changes on the site (docs/billing.md, "Effects").

- A viewer's subscription: active gives the member the paid viewer plan (so the access
  function, tenants.entitlements, drops the ads and the rest); canceled puts them back on
  the site's default plan. Past due changes nothing while the provider retries the card:
  Stripe's own setting then cancels the subscription, which ends the plan.
- A site's subscription: past due moves the site to past due with a grace period; paid
  moves it back to active, and reinstates a site the grace task suspended (never one an
  operator suspended by hand). Every state change goes through
  tenants.site_states.change_state, which records it.

Called by billing.subscriptions.set_status inside its transaction; returns a sentence for
the subscription's record.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils import timezone

from billing.models import Kind, Status, Subscription
from tenants.models import Membership, SiteStateChange
from tenants.site_state_rules import InvalidTransition, SiteState
from tenants.site_states import GRACE_DAYS, change_state


def apply(subscription: Subscription, previous: str, *, reason: str, at: datetime) -> str:
    if subscription.kind == Kind.VIEWER:
        return _viewer_plan(subscription)
    return _site_state(subscription, reason)


def _viewer_plan(subscription: Subscription) -> str:
    if subscription.viewer_plan_id is None:
        return "The plan no longer exists: no plan to change."
    membership = (
        Membership.objects.for_tenant(subscription.tenant)
        .select_related("viewer_plan", "user")
        .filter(user_id=subscription.user_id)
        .first()
    )
    if membership is None:
        return "No membership on the site: no plan to change."
    paid = subscription.viewer_plan
    before = membership.viewer_plan
    if (
        subscription.status == Status.ACTIVE
        and membership.viewer_plan_id != subscription.viewer_plan_id
    ):
        after = paid
    elif (
        subscription.status == Status.CANCELED
        and membership.viewer_plan_id == subscription.viewer_plan_id
    ):
        after = None  # the site's default plan
    else:
        return ""
    membership.viewer_plan = after
    membership.save(update_fields=["viewer_plan"])
    return f"{membership.user}'s viewer plan: {_plan_name(before)} → {_plan_name(after)}."


def _plan_name(plan) -> str:
    return str(plan) if plan is not None else "the site's default"


def _site_state(subscription: Subscription, reason: str) -> str:
    site = subscription.tenant
    site.refresh_from_db(fields=["state", "grace_ends_at", "remove_data_after"])
    if subscription.status == Status.PAST_DUE and site.state in (
        SiteState.ACTIVE,
        SiteState.TRIAL,
    ):
        until = timezone.now() + timedelta(days=GRACE_DAYS)
        return _change(site, SiteState.PAST_DUE, reason, until)
    if subscription.status == Status.ACTIVE and (
        site.state == SiteState.PAST_DUE or _suspended_by_the_grace_task(site)
    ):
        return _change(site, SiteState.ACTIVE, reason, None)
    return ""


def _suspended_by_the_grace_task(site) -> bool:
    if site.state != SiteState.SUSPENDED:
        return False
    last = SiteStateChange.objects.for_tenant(site).order_by("-at", "-pk").first()
    return last is not None and last.to_state == SiteState.SUSPENDED and last.by_id is None


def _change(site, state: str, reason: str, until: datetime | None) -> str:
    try:
        change_state(site, state, by=None, reason=reason, until=until)
    except InvalidTransition as refused:
        return f"The site's state stays {site.get_state_display().lower()}: {refused}"
    return f"The site is now {SiteState(state).label.lower()}."
