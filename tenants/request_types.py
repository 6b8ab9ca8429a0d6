"""The request as TenantMiddleware leaves it, for the type checker: Django's HttpRequest
declares no `tenant`, so views say which of these they get."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from django.http import HttpRequest
from rest_framework.request import Request

if TYPE_CHECKING:
    from tenants.models import Tenant


class TenantRequest(HttpRequest):
    """Any request TenantMiddleware has seen. `tenant` is None only on the host-less probe
    paths (/healthz, /readyz): for any other host no site owns, the middleware answers 404."""

    tenant: Tenant | None


class SiteRequest(TenantRequest):
    """A request one site's view answers: the middleware has already found its site."""

    tenant: Tenant


class SiteApiRequest(Request, SiteRequest):
    """A request one site's API view answers. DRF's Request hands any attribute it lacks to
    the HttpRequest it wraps, `tenant` among them, so it is a SiteRequest too: the loaders
    shared with the site's pages (streaming.site.access) take either."""


def tenant_of(request: HttpRequest) -> Tenant | None:
    """The request's site where Django or DRF fix the parameter to a plain HttpRequest
    (admin hooks, authentication classes)."""
    return cast(TenantRequest, request).tenant
