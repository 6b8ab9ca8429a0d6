"""The one way a site's state changes (rules: tenants.site_state_rules), and the periodic
step that suspends sites whose grace period ended. Each change is recorded as a
SiteStateChange (from, to, who, why, when) in the same transaction."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from tenants.models import SiteStateChange, Tenant
from tenants.site_state_rules import InvalidTransition, SiteState, check_transition

GRACE_DAYS = 14  # past due -> suspended, unless paid
DATA_KEPT_DAYS = 30  # closed -> members and viewer data removed (tenants.closed_site_data)


def change_state(
    tenant: Tenant,
    new_state: str,
    *,
    by,
    reason: str,
    until: datetime | None = None,
    now: datetime | None = None,
    expected_state: str | None = None,
) -> SiteStateChange:
    """Move `tenant` to `new_state`, recording who (`by`: an operator, or None for the
    system) and why. `until` is the grace period's end (past due) or the day the data goes
    (closed); by default GRACE_DAYS or DATA_KEPT_DAYS from now. With `expected_state`, the
    change is made only if the site is still in it (a task acting on what it read earlier).
    Raises InvalidTransition."""
    reason = (reason or "").strip()
    if not reason:
        raise InvalidTransition("Say why the site's state changes.")
    now = now or timezone.now()
    by_operator = by is not None and by.is_active and by.is_superuser
    with transaction.atomic():
        # Read the state under a row lock: two changes at once must not both pass the rules.
        site = Tenant.objects.select_for_update().get(pk=tenant.pk)
        if expected_state is not None and site.state != expected_state:
            raise InvalidTransition("The site's state changed meanwhile.")
        check_transition(
            site.state,
            new_state,
            by_operator=by_operator,
            by_system=by is None,
            data_removed=site.data_removed_at is not None,
        )
        until = _deadline(new_state, until, now)
        change = SiteStateChange.objects.create(
            tenant=site,
            from_state=site.state,
            to_state=new_state,
            by=by,
            reason=reason,
            until=until,
            at=now,
        )
        site.state = new_state
        site.grace_ends_at = until if new_state == SiteState.PAST_DUE else None
        site.remove_data_after = until if new_state == SiteState.CLOSED else None
        site.save(update_fields=["state", "grace_ends_at", "remove_data_after"])
    for name in ("state", "grace_ends_at", "remove_data_after"):
        setattr(tenant, name, getattr(site, name))
    return change


def _deadline(new_state: str, until: datetime | None, now: datetime) -> datetime | None:
    if new_state == SiteState.PAST_DUE:
        days = GRACE_DAYS
    elif new_state == SiteState.CLOSED:
        days = DATA_KEPT_DAYS
    else:
        return None
    if until is None:
        return now + timedelta(days=days)
    if until <= now:
        raise InvalidTransition("The date must be in the future.")
    return until


def suspend_overdue(now: datetime | None = None) -> list[int]:
    """Suspend every past-due site whose grace period has ended; the ids suspended."""
    now = now or timezone.now()
    overdue = Tenant.objects.filter(state=SiteState.PAST_DUE, grace_ends_at__lte=now)
    suspended = []
    for site in overdue.order_by("pk"):
        ended = timezone.localtime(site.grace_ends_at).strftime("%Y-%m-%d %H:%M %Z")
        try:
            change_state(
                site,
                SiteState.SUSPENDED,
                by=None,
                reason=f"Past due: the grace period ended at {ended}.",
                now=now,
                expected_state=SiteState.PAST_DUE,
            )
        except InvalidTransition:
            continue  # paid or changed by hand since the query: nothing to do
        suspended.append(site.pk)
    return suspended
