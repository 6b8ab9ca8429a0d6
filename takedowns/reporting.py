"""Filing a report: the throttle per address, then the row."""

from __future__ import annotations

from django.core.cache import cache

from takedowns.models import Report, ReportStatus
from takedowns.targets import Target
from tenants.models import Tenant

# Reports an address may file per site in the window: enough for someone reporting a few
# things, not enough to bury the queue.
REPORTS_PER_HOUR = 5
WINDOW_SECONDS = 3600


class TooManyReports(Exception):
    """The address filed its share of reports for this hour."""


def take_report_slot(tenant: Tenant, address: str) -> None:
    """Count one report for this address on this site, or refuse past the limit."""
    key = f"takedown-reports:{tenant.pk}:{address}"
    cache.add(key, 0, WINDOW_SECONDS)
    try:
        count = cache.incr(key)
    except ValueError:  # the key expired between add and incr: a fresh window
        cache.set(key, 1, WINDOW_SECONDS)
        count = 1
    if count > REPORTS_PER_HOUR:
        raise TooManyReports(
            f"You have sent {REPORTS_PER_HOUR} reports in the last hour; try again later."
        )


def file_report(tenant: Tenant, target: Target, user, fields: dict) -> Report:
    """The report as the form cleaned it; `user` is None for a visitor."""
    return Report.objects.create(
        tenant=tenant,
        target_kind=target.kind,
        target_id=target.pk,
        target_label=target.label[:300],
        reason=fields["reason"],
        details=fields["details"],
        contact_email=fields["contact_email"],
        work=fields.get("work", ""),
        claimant=fields.get("claimant", ""),
        reporter=user if user is not None and user.is_authenticated else None,
        status=ReportStatus.OPEN,
    )
