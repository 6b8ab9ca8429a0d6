"""ReadVault where the viewer's plan leaves it out (tenants.entitlements): its pages, the
reader and its pages.json, the Reading and Reader apps tabs, OPDS and the reading API answer
403 with the reason ("Manga and comics are not part of this site's plan."); the home page
shows no ReadVault rows, the search box no series and the account pages no ReadVault tabs.
Where no reader is known (a signed page link, a chapter archive's media link), the site
plan alone decides: a site whose plan leaves ReadVault out serves none of its objects.

The site's routes are wrapped where they are declared (`gated`); OPDS checks in its own
sign-in (readvault.opds.auth) and the API in a permission (readvault.api.permissions), since
there the reader is known only once the app password or token is checked.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern

from readvault.models.library import servable_objects_rule as library_rule
from tenants.entitlements import entitlements_for, site_allowance

View = Callable[..., HttpResponse]


def refusal(request: HttpRequest) -> str | None:
    """Why ReadVault is closed to this request's reader, or None when it is open."""
    allowed = entitlements_for(request)
    return None if allowed.readvault else allowed.refusal("readvault")


def servable_objects_rule(tenant) -> Q:
    """ReadVault's rule for stored_media.owners: no chapter archive or page image is served
    on a site whose plan leaves ReadVault out, whatever link is asked for."""
    if not site_allowance(tenant).readvault:
        return Q(pk__in=[])
    return library_rule(tenant)


def includes_readvault(request: HttpRequest) -> bool:
    """For what ReadVault registers with the site (its search source, its account tabs)."""
    return refusal(request) is None


def readvault_included(view: View) -> View:
    """A site view that answers the refusal page where the plan leaves ReadVault out."""

    @wraps(view)
    def check(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        reason = refusal(request)
        if reason is not None:
            return render(request, "readvault/not_in_plan.html", {"reason": reason}, status=403)
        return view(request, *args, **kwargs)

    return check


def gated(patterns: list) -> list:
    """`patterns` (a urls module's urlpatterns) with every view wrapped in
    `readvault_included`, so no ReadVault page is left out of the check."""
    wrapped: list = []
    for entry in patterns:
        if not isinstance(entry, URLPattern):  # an include: gate its own module instead
            raise TypeError(f"{entry!r} is not a view's pattern")
        wrapped.append(
            URLPattern(
                entry.pattern, readvault_included(entry.callback), entry.default_args, entry.name
            )
        )
    return wrapped
