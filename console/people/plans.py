"""Viewer plans (/console/plans/): the site's tiers for its viewers, within its site plan.

Billing reads a plan's price and currency when a checkout starts (Stripe's `price_data`,
billing.providers.stripe) or a manual invoice is issued, so an edit applies to new
subscriptions; Stripe keeps charging current subscribers what they subscribed at.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.db import IntegrityError, transaction
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from billing.money import format_money, to_minor
from console.access import site_admins_only
from console.pages import render_console
from console.people import plan_use
from console.people.plan_forms import MoveForm, PlanForm
from tenants.models import ViewerPlan
from tenants.request_types import SiteRequest


@dataclass(frozen=True)
class PlanRow:
    plan: ViewerPlan
    price: str
    members: int
    subscribers: int


def price_of(plan: ViewerPlan) -> str:
    return format_money(to_minor(plan.price, plan.currency), plan.currency)


def _plan(request: SiteRequest, plan_id: int) -> ViewerPlan:
    """A plan of the request's site; another site's id answers 404."""
    rows = ViewerPlan.objects.for_tenant(request.tenant).select_related("tenant__plan")
    return get_object_or_404(rows, pk=plan_id)


@site_admins_only
@require_GET
def plans(request: SiteRequest) -> HttpResponse:
    site = request.tenant
    members = plan_use.member_counts(site)
    subscribers = plan_use.subscriber_counts(site)
    rows = [
        PlanRow(plan, price_of(plan), members.get(plan.pk, 0), subscribers.get(plan.pk, 0))
        for plan in ViewerPlan.objects.for_tenant(site).order_by("price", "name")
    ]
    context = {"rows": rows, "on_default": members.get(None, 0), "site_plan": site.plan}
    return render_console(request, "console/people/plans.html", context)


def _save(request: SiteRequest, form: PlanForm) -> ViewerPlan | None:
    try:
        with transaction.atomic():
            return form.save()
    except IntegrityError:  # the same name, saved in the same instant by another admin
        form.add_error("name", "The site has a plan of this name already.")
        return None


def _edit_page(request: SiteRequest, form: PlanForm, plan: ViewerPlan | None) -> HttpResponse:
    context = {"form": form, "plan": plan, "site_plan": request.tenant.plan}
    status = 400 if form.is_bound else 200  # only an invalid form is shown again
    return render_console(request, "console/people/plan_form.html", context, status=status)


@site_admins_only
@require_http_methods(["GET", "POST"])
def new_plan(request: SiteRequest) -> HttpResponse:
    form = PlanForm(request.POST if request.method == "POST" else None, request.tenant)
    if form.is_valid() and (plan := _save(request, form)) is not None:
        messages.success(request, f"{plan.name} is one of {request.tenant.name}'s plans now.")
        return redirect("console:plans")
    return _edit_page(request, form, None)


@site_admins_only
@require_http_methods(["GET", "POST"])
def edit_plan(request: SiteRequest, plan_id: int) -> HttpResponse:
    plan = _plan(request, plan_id)
    form = PlanForm(request.POST if request.method == "POST" else None, request.tenant, plan)
    if form.is_valid() and _save(request, form) is not None:
        messages.success(request, f"{plan.name}: saved.")
        return redirect("console:plans")
    return _edit_page(request, form, plan)


@site_admins_only
@require_POST
def make_default(request: SiteRequest, plan_id: int) -> HttpResponse:
    plan = _plan(request, plan_id)
    if plan_use.make_default(plan):
        messages.success(request, f"{plan.name} is the default plan: new members get it.")
    else:
        messages.info(request, f"{plan.name} is the default plan already.")
    return redirect("console:plans")


@site_admins_only
@require_http_methods(["GET", "POST"])
def delete_plan(request: SiteRequest, plan_id: int) -> HttpResponse:
    """A confirmation page saying who still needs the plan, with the move form."""
    plan = _plan(request, plan_id)
    refusal = plan_use.in_use(plan)
    if request.method == "POST" and not refusal:
        try:
            plan_use.delete(plan)
        except plan_use.PlanInUse as refused:  # someone joined it meanwhile
            refusal = str(refused)
        else:
            messages.success(request, f"{plan.name} was deleted.")
            return redirect("console:plans")
    context = {"plan": plan, "refusal": refusal, "move_form": MoveForm(None, plan)}
    status = 400 if refusal and request.method == "POST" else 200
    return render_console(request, "console/people/plan_delete.html", context, status=status)


@site_admins_only
@require_POST
def move_members(request: SiteRequest, plan_id: int) -> HttpResponse:
    plan = _plan(request, plan_id)
    form = MoveForm(request.POST, plan)
    if not form.is_valid():
        context = {"plan": plan, "refusal": plan_use.in_use(plan), "move_form": form}
        return render_console(request, "console/people/plan_delete.html", context, status=400)
    to = form.cleaned_data["to"]
    moved = plan_use.move_members(plan, to)
    where = to.name if to else "the site's default plan"
    messages.success(request, f"{moved} member{'s' if moved != 1 else ''} moved to {where}.")
    return redirect("console:plans-delete", plan.pk)
