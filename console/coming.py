"""A section not built yet: its menu entry answers with a page that says so (a stub each
section's package replaces with its own views)."""

from __future__ import annotations

from django.http import HttpResponse

from console.access import site_admins_only
from console.pages import render_console
from tenants.request_types import SiteRequest


@site_admins_only
def coming(request: SiteRequest) -> HttpResponse:
    return render_console(request, "console/coming.html")
