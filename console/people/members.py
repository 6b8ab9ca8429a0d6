"""Members (/console/members/): the site's members a page at a time, searched and filtered;
a member's page changes their role and viewer plan or removes them from the site.

The list runs a constant number of queries however many members the site has: a count, a
page of memberships with their users and plans (each with when the member last watched or
read here, two subqueries on indexed columns), and the site's plans for the filter.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_GET, require_http_methods

from billing.access import LIVE
from billing.models import Kind, Subscription
from console.access import site_admins_only
from console.pages import render_console
from console.people import membership_changes
from console.people.member_forms import DEFAULT_PLAN, MemberFilters, MemberForm
from readvault.models import ReadingProgress
from streaming.models import WatchProgress
from tenants.models import Membership, Tenant, ViewerPlan
from tenants.request_types import SiteRequest

PAGE_SIZE = 50


def _filtered(site: Tenant, filters: dict[str, str]) -> QuerySet[Membership]:
    rows = Membership.objects.for_tenant(site)
    if q := filters.get("q"):
        rows = rows.filter(Q(user__username__icontains=q) | Q(user__email__icontains=q))
    if role := filters.get("role"):
        rows = rows.filter(role=role)
    if (plan := filters.get("plan")) == DEFAULT_PLAN:
        rows = rows.filter(viewer_plan=None)
    elif plan:
        rows = rows.filter(viewer_plan_id=int(plan))  # one of the site's plans' ids
    return rows


def _last_seen_here(site: Tenant, rows: QuerySet[Membership]) -> QuerySet[Membership]:
    """When each member last watched or read on this site (the latest progress row: both
    tables are indexed by site, user and time)."""

    def latest(model) -> Subquery:
        mine = model.objects.for_tenant(site).filter(user=OuterRef("user"))
        return Subquery(mine.order_by("-updated_at").values("updated_at")[:1])

    return rows.annotate(last_watched=latest(WatchProgress), last_read=latest(ReadingProgress))


@site_admins_only
@require_GET
def members(request: SiteRequest) -> HttpResponse:
    site = request.tenant
    plans = list(ViewerPlan.objects.for_tenant(site).order_by("price", "name"))
    form = MemberFilters(request.GET or None, plans)
    filters = form.values()
    rows = _filtered(site, filters).select_related("user", "viewer_plan")
    rows = _last_seen_here(site, rows).order_by("user__username", "pk")
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    shown = list(page.object_list)
    for membership in shown:
        seen = [t for t in (membership.last_watched, membership.last_read) if t]
        membership.last_seen = max(seen, default=None)
    narrowed = bool(filters)
    total = membership_changes.member_count(site) if narrowed else page.paginator.count
    context = {
        "form": form,
        "page": page,
        "shown": shown,
        "total": total,
        "cap": site.plan.max_members if site.plan else None,
        "narrowed": narrowed,
    }
    return render_console(request, "console/people/members.html", context)


def _membership(request: SiteRequest, member_id: int) -> Membership:
    """A membership of the request's site; another site's id answers 404."""
    rows = Membership.objects.for_tenant(request.tenant).select_related("user", "viewer_plan")
    return get_object_or_404(rows, pk=member_id)


def _after_own_change(request: SiteRequest, membership: Membership) -> HttpResponse | None:
    """An admin who demoted or removed themselves cannot stay in the console."""
    if membership.user_id != request.user.pk or request.user.is_superuser:
        return None
    if membership.pk is not None and membership.is_admin:
        return None
    return redirect("home")


@site_admins_only
@require_http_methods(["GET", "POST"])
def member(request: SiteRequest, member_id: int) -> HttpResponse:
    site = request.tenant
    membership = _membership(request, member_id)
    form = MemberForm(request.POST if request.method == "POST" else None, site, membership)
    if form.is_valid():
        try:
            changed = membership_changes.change_role(membership, form.cleaned_data["role"])
            changed |= membership_changes.change_plan(membership, form.cleaned_data["viewer_plan"])
        except membership_changes.ChangeRefused as refused:
            form.add_error(None, str(refused))
        else:
            said = "saved" if changed else "unchanged: nothing was different"
            messages.success(request, f"{membership.user}: {said}.")
            own = _after_own_change(request, membership)
            return own or redirect("console:members-member", membership.pk)
    subscriptions = Subscription.objects.for_tenant(site).filter(
        kind=Kind.VIEWER, user_id=membership.user_id, status__in=LIVE
    )
    context = {
        "membership": membership,
        "form": form,
        "subscriptions": list(subscriptions.select_related("viewer_plan")[:5]),
    }
    status = 400 if form.is_bound and form.errors else 200
    return render_console(request, "console/people/member.html", context, status=status)


@site_admins_only
@require_http_methods(["GET", "POST"])
def remove_member(request: SiteRequest, member_id: int) -> HttpResponse:
    """A confirmation page first; the last admin is refused there and on the POST."""
    membership = _membership(request, member_id)
    refusal = membership_changes.last_admin_refusal(membership)
    if request.method == "POST" and not refusal:
        try:
            membership_changes.remove(membership)
        except membership_changes.ChangeRefused as refused:  # the last admin, meanwhile
            refusal = str(refused)
        else:
            name = request.tenant.name
            messages.success(request, f"{membership.user} is no longer a member of {name}.")
            return _after_own_change(request, membership) or redirect("console:members")
    context = {"membership": membership, "refusal": refusal}
    status = 400 if refusal and request.method == "POST" else 200
    return render_console(request, "console/people/member_remove.html", context, status=status)
