"""The console's first page: the site at a glance (its state, plan, hostnames, members, open
reports) and where to go next. A constant number of queries, whatever the site's size."""

from __future__ import annotations

from django.http import HttpResponse

from console.access import site_admins_only
from console.pages import render_console
from takedowns.models import Report, ReportStatus
from tenants.models import Domain, Membership
from tenants.request_types import SiteRequest


@site_admins_only
def overview(request: SiteRequest) -> HttpResponse:
    site = request.tenant
    return render_console(
        request,
        "console/overview.html",
        {
            "site": site,
            "plan": site.plan,
            "domains": list(Domain.objects.for_tenant(site).order_by("-is_primary", "hostname")),
            "members": Membership.objects.for_tenant(site).count(),
            "open_reports": Report.objects.for_tenant(site)
            .filter(status=ReportStatus.OPEN)
            .count(),
        },
    )
