"""Host -> tenant resolution, and the rule that only a site's members are signed in on it."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from asgiref.sync import iscoroutinefunction, markcoroutinefunction, sync_to_async
from django.contrib.auth.models import AnonymousUser
from django.db.models import FilteredRelation, Q
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseNotFound,
    HttpResponsePermanentRedirect,
)
from django.http.request import split_domain_port
from django.template.loader import render_to_string
from django.utils.functional import SimpleLazyObject

from tenants.models import Domain, Membership, Tenant, normalize_hostname
from tenants.request_types import TenantRequest, tenant_of

# Probes from load balancers and orchestrators, and Prometheus's scraper, address the
# process, not a site.
HOSTLESS_PATHS = frozenset({"/healthz", "/readyz", "/metrics"})
# Served on every hostname of a site, never redirected to the primary one: signed media and
# page links (nginx's authorize asks with the link's host), the player's stream calls, API
# and OPDS clients (they do not follow a redirect with their credentials), domain proofs.
ANY_HOST_PREFIXES = (
    "/media/", "/pages/", "/streams/", "/api/", "/opds/", "/.well-known/", "/uploads/", "/static/",
)  # fmt: skip


def _domains_for(host: str):
    hostname = normalize_hostname(split_domain_port(host)[0])
    # The site's plan and its default viewer plan come in the same query: what a viewer may
    # do (tenants.entitlements) then costs no query of its own on most pages. The default
    # plan is one row at most (the one_default_viewer_plan_per_site constraint).
    default_plan = FilteredRelation(
        "tenant__viewerplans", condition=Q(tenant__viewerplans__is_default=True)
    )
    return (
        Domain.objects.annotate(default_viewer_plan=default_plan)
        # django-stubs knows no FilteredRelation alias; Django selects it like a relation.
        .select_related("tenant__plan", "default_viewer_plan")  # type: ignore[misc]
        # A custom domain waiting for verification reaches no site (tenants/custom_domains.py).
        .filter(hostname=hostname or None, tenant__is_active=True, state=Domain.State.VERIFIED)
    )


def _site_of(domain: Domain | None) -> Tenant | None:
    if domain is None:
        return None
    tenant = domain.tenant
    # Fills Tenant.default_viewer_plan (a cached_property) with what the join found; Django
    # sets no attribute at all when the outer join found no row.
    tenant.__dict__["default_viewer_plan"] = getattr(domain, "default_viewer_plan", None)
    return tenant


def tenant_for_host(host: str) -> Tenant | None:
    return _site_of(_domains_for(host).first())


async def atenant_for_host(host: str) -> Tenant | None:
    return _site_of(await _domains_for(host).afirst())


def _redirects_to_primary(request: HttpRequest, domain: Domain | None) -> bool:
    """A page asked on a site's other hostname goes to its primary one (one address per
    site for links, search engines and cookies). Only GET and HEAD: a redirected POST
    would lose its body."""
    if domain is None or domain.is_primary or request.method not in {"GET", "HEAD"}:
        return False
    return not request.path_info.startswith(ANY_HOST_PREFIXES)


def _primary_redirect(request: HttpRequest, primary: Domain | None) -> HttpResponse | None:
    if primary is None:
        return None
    port = split_domain_port(request.get_host())[1]
    host = f"{primary.hostname}:{port}" if port else primary.hostname
    return HttpResponsePermanentRedirect(f"{request.scheme}://{host}{request.get_full_path()}")


def _primary_of(domain: Domain) -> Domain | None:
    return Domain.objects.for_tenant(domain.tenant).filter(is_primary=True).first()


def unknown_host_response() -> HttpResponse:
    # Deliberately unbranded: an unknown hostname must never show any tenant's site.
    return HttpResponseNotFound(render_to_string("tenants/unknown_host.html"))


class DualModeMiddleware:
    """Runs natively in both sync (WSGI) and async (ASGI) stacks, so the async stream view
    is not forced through a thread for every request."""

    sync_capable = True
    async_capable = True

    def __init__(self, get_response: Callable) -> None:
        self.get_response = get_response
        if iscoroutinefunction(get_response):
            # The subclasses define __call__; the stubs want a callable here.
            markcoroutinefunction(self)  # type: ignore[type-var]


class TenantMiddleware(DualModeMiddleware):
    """Sets request.tenant from the Host header; answers 404 for a hostname no site owns."""

    def __call__(self, request: TenantRequest):
        if iscoroutinefunction(self):
            return self.__acall__(request)
        request.tenant = None
        if request.path_info in HOSTLESS_PATHS:
            return self.get_response(request)
        domain = _domains_for(request.get_host()).first()
        request.tenant = _site_of(domain)
        if request.tenant is None:
            return unknown_host_response()
        if _redirects_to_primary(request, domain):
            redirect = _primary_redirect(request, _primary_of(domain))
            if redirect is not None:
                return redirect
        return self.get_response(request)

    async def __acall__(self, request: TenantRequest) -> HttpResponse:
        request.tenant = None
        if request.path_info in HOSTLESS_PATHS:
            return await self.get_response(request)
        domain = await _domains_for(request.get_host()).afirst()
        request.tenant = _site_of(domain)
        if request.tenant is None:
            return unknown_host_response()
        if _redirects_to_primary(request, domain):
            primary = await sync_to_async(_primary_of)(domain)
            redirect = _primary_redirect(request, primary)
            if redirect is not None:
                return redirect
        return await self.get_response(request)


def membership_for(request: HttpRequest, user) -> Membership | None:
    """The user's membership of the request's site (cached on the request), or None."""
    tenant = tenant_of(request)
    if not user.is_authenticated or tenant is None:
        return None
    # DRF wraps Django's request: its cache lives on the request the middleware saw, so a
    # view and its API permission share one lookup.
    cache = getattr(request, "_request", request).__dict__.setdefault("_memberships", {})
    if user.pk not in cache:
        memberships = Membership.objects.for_tenant(tenant).select_related("viewer_plan")
        cache[user.pk] = memberships.filter(user=user).first()
    return cache[user.pk]


def _member_or_anonymous(request: TenantRequest, user):
    """A signed-in user who is not a member of this site is treated as signed out here."""
    if not user.is_authenticated or user.is_superuser or request.tenant is None:
        return user
    return user if membership_for(request, user) is not None else AnonymousUser()


async def _amember_or_anonymous(request: TenantRequest, original):
    user = await original()
    if not user.is_authenticated or user.is_superuser or request.tenant is None:
        return user
    membership = await sync_to_async(membership_for)(request, user)
    return user if membership is not None else AnonymousUser()


class MembershipMiddleware(DualModeMiddleware):
    """Runs after AuthenticationMiddleware, wrapping request.user and request.auser."""

    def __call__(self, request: TenantRequest):
        original_user = request.user
        original_auser = request.auser
        # A lazy stand-in, as AuthenticationMiddleware sets: the stubs type only the user itself.
        request.user = SimpleLazyObject(  # type: ignore[assignment]
            lambda: _member_or_anonymous(request, original_user)
        )
        request.auser = partial(_amember_or_anonymous, request, original_auser)
        return self.get_response(request)  # a coroutine in async mode, awaited by the caller
