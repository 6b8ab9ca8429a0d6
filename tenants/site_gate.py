"""A suspended or closed site answers every viewer route with one clear page.

403, not 503: the state is the site's account, not an outage of the server, and the nginx
gateway's `auth_request` (media links, stored_media.delivery) passes a 403 through to the
viewer where it would turn a 503 into a 500. The page names the site and says nothing was
deleted (suspended) or that it closed; the API gets the same sentence as JSON, and an app whose
routes speak to programs registers the answer its clients read (`register_answer`: the
Stremio addon's JSON error with CORS). Operators
still use the site, and the Django admin works for everyone it admits, so a suspended
site's admins can still see their rows.
"""

from __future__ import annotations

from collections.abc import Callable

from asgiref.sync import iscoroutinefunction, sync_to_async
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string

from tenants.middleware import DualModeMiddleware
from tenants.models import Tenant
from tenants.request_types import TenantRequest
from tenants.site_state_rules import SiteState

OPEN_PATHS = ("/admin/",)
STATUS = 403
SUSPENDED = "{site} is suspended for now. Nothing has been deleted: it comes back as it was."
CLOSED = "{site} has closed."
# Path prefix -> the answer for programs under it, given the sentence (apps fill it in ready()).
_ANSWERS: dict[str, Callable[[int, str], HttpResponse]] = {}


def register_answer(prefix: str, answer: Callable[[int, str], HttpResponse]) -> None:
    """Under `prefix`, a suspended or closed site answers `answer(status, sentence)`."""
    _ANSWERS[prefix] = answer


def explanation(tenant: Tenant) -> str:
    return (CLOSED if tenant.state == SiteState.CLOSED else SUSPENDED).format(site=tenant.name)


def unavailable_response(request: TenantRequest, tenant: Tenant) -> HttpResponse:
    text = explanation(tenant)
    answer = next((a for p, a in _ANSWERS.items() if request.path_info.startswith(p)), None)
    if answer is not None:
        response: HttpResponse = answer(STATUS, text)
    elif request.path_info.startswith("/api/"):
        response = JsonResponse({"detail": text}, status=STATUS)
    else:
        heading = "Site closed" if tenant.state == SiteState.CLOSED else "Site suspended"
        context = {"site": tenant, "tenant": tenant, "heading": heading, "explanation": text}
        response = HttpResponse(
            render_to_string("tenants/site_unavailable.html", context, request), status=STATUS
        )
    response["Cache-Control"] = "no-store"  # the page goes as soon as the state changes
    return response


def _gated(request: TenantRequest) -> Tenant | None:
    """The request's site when its state closes this path to the request, before the user."""
    tenant = request.tenant
    if tenant is None or not tenant.is_unavailable:
        return None
    if request.path_info.startswith(OPEN_PATHS):
        return None
    return tenant


class SiteStateGate(DualModeMiddleware):
    """After MembershipMiddleware: an operator (superuser) passes; anyone else on a
    suspended or closed site gets the page. An available site costs nothing here."""

    def __call__(self, request: TenantRequest):
        if iscoroutinefunction(self):
            return self.__acall__(request)
        tenant = _gated(request)
        if tenant is None or request.user.is_superuser:
            return self.get_response(request)
        return unavailable_response(request, tenant)

    async def __acall__(self, request: TenantRequest) -> HttpResponse:
        tenant = _gated(request)
        if tenant is None:
            return await self.get_response(request)
        user = await request.auser()
        if user.is_superuser:
            return await self.get_response(request)
        return await sync_to_async(unavailable_response)(request, tenant)
