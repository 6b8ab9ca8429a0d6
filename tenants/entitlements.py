"""What a viewer may do on a site: one function of (site plan, viewer plan, role), used by
pages, links, the APIs and OPDS alike (docs/franchise.md, "The access function").

- No site plan: no limits. A site plan caps everyone on the site, operators included.
- Operators and site admins get everything the site plan allows, without ads.
- Viewers (and visitors) get their viewer plan clamped to the site plan: the membership's
  plan, else the site's default plan, else the site plan's own limits. A viewer plan of
  another site (a slip in the operator's admin) counts as none.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest

from tenants.middleware import membership_for
from tenants.models import Membership, SitePlan, Tenant, ViewerPlan
from tenants.request_types import tenant_of

OPERATOR = "operator"  # a superuser: beside Membership.Role's viewer and admin
SITE_PLAN = "this site's plan"

Why = Mapping[str, str]


@dataclass(frozen=True)
class Entitlements:
    max_height: int | None  # tallest version served; None: no cap
    downloads: bool
    readvault: bool
    ads: bool
    streams_per_viewer: int | None  # counted by streaming.stream_limits (player heartbeats)
    streams_per_site: int | None
    # Why a feature is refused or capped, by field name: the sentence a refusal shows.
    why: Why = field(default_factory=lambda: MappingProxyType({}), compare=False)

    def plays(self, height: int | None) -> bool:
        """A version of this height may be offered (an unknown height is not refused)."""
        return self.max_height is None or height is None or height <= self.max_height

    def refusal(self, feature: str) -> str:
        return self.why.get(feature, "Your plan does not include this.")


UNLIMITED = Entitlements(
    max_height=None,
    downloads=True,
    readvault=True,
    ads=False,
    streams_per_viewer=None,
    streams_per_site=None,
)


def entitlements(tenant: Tenant, membership: Membership | None, role: str | None) -> Entitlements:
    """What someone with `role` (OPERATOR, a Membership.Role, or None for a visitor) may do
    on `tenant`; `membership` is theirs there, if any."""
    full = _site_allowance(tenant.plan)
    if role in (OPERATOR, Membership.Role.ADMIN):
        return replace(full, ads=False)
    plan = _viewer_plan(tenant, membership)
    if plan is None:
        return full
    return _clamped(plan, tenant.plan, full, visitor=membership is None)


def site_allowance(tenant: Tenant) -> Entitlements:
    """What the site's plan allows anyone at all: for what no viewer is known for (a signed
    page link, a stored object's delivery), and an operator's or site admin's (with ads)."""
    return _site_allowance(tenant.plan)


def entitlements_for(request: HttpRequest) -> Entitlements:
    """`entitlements` for the request's site and user, once per request and user (DRF's
    request shares the cache of the request it wraps). Costs no query of its own: the host
    lookup brought the site's plans, the membership lookup the member's plan."""
    tenant = tenant_of(request)
    if tenant is None:
        return UNLIMITED
    # A request no authentication middleware saw (a view called directly) is a visitor's.
    user = getattr(request, "user", None) or AnonymousUser()
    cache = getattr(request, "_request", request).__dict__.setdefault("_entitlements", {})
    key = user.pk if user.is_authenticated else None
    if key not in cache:
        membership = membership_for(request, user)
        if user.is_authenticated and user.is_active and user.is_superuser:
            role: str | None = OPERATOR
        else:
            role = membership.role if membership is not None else None
        cache[key] = entitlements(tenant, membership, role)
    return cache[key]


def _site_allowance(site_plan: SitePlan | None) -> Entitlements:
    if site_plan is None:
        return UNLIMITED
    why = {}
    if site_plan.max_height is not None:
        why["max_height"] = f"{_capital(SITE_PLAN)} plays up to {site_plan.max_height}p."
    if not site_plan.downloads:
        why["downloads"] = f"Downloads are not part of {SITE_PLAN}."
    if not site_plan.readvault:
        why["readvault"] = f"Manga and comics are not part of {SITE_PLAN}."
    return Entitlements(
        max_height=site_plan.max_height,
        downloads=site_plan.downloads,
        readvault=site_plan.readvault,
        ads=site_plan.must_show_ads,
        streams_per_viewer=site_plan.streams_per_viewer,
        streams_per_site=site_plan.streams_per_site,
        why=MappingProxyType(why),
    )


def viewer_plan_of(tenant: Tenant, membership: Membership | None) -> ViewerPlan | None:
    """The viewer plan that applies to a member (or, with None, a visitor) of `tenant`: the
    membership's own, else the site's default; None when the site has no viewer plans."""
    return _viewer_plan(tenant, membership)


def _viewer_plan(tenant: Tenant, membership: Membership | None) -> ViewerPlan | None:
    plan = membership.viewer_plan if membership is not None else None
    if plan is not None and plan.tenant_id == tenant.pk:
        return plan
    return tenant.default_viewer_plan


def _clamped(
    plan: ViewerPlan, site_plan: SitePlan | None, full: Entitlements, *, visitor: bool
) -> Entitlements:
    """The viewer plan, never beyond the site plan (`full`); the reasons name whichever of
    the two set each limit."""
    source = "this site's plan for visitors" if visitor else f"your plan “{plan.name}”"
    why = dict(full.why)
    max_height = full.max_height
    if plan.max_height is not None and (max_height is None or plan.max_height < max_height):
        max_height = plan.max_height
        why["max_height"] = f"{_capital(source)} plays up to {max_height}p."
    if full.downloads and not plan.downloads:
        why["downloads"] = f"Downloads are not part of {source}."
    if full.readvault and not plan.readvault:
        why["readvault"] = f"Manga and comics are not part of {source}."
    return Entitlements(
        max_height=max_height,
        downloads=full.downloads and plan.downloads,
        readvault=full.readvault and plan.readvault,
        ads=full.ads or plan.ads,
        streams_per_viewer=full.streams_per_viewer,
        streams_per_site=full.streams_per_site,
        why=MappingProxyType(why),
    )


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]
