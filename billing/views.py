"""The billing pages of a site: plans with a Subscribe button, the provider's portal,
invoices and receipts as pages and PDFs, and the Stripe webhook. Thin: rules live in
billing.subscriptions, billing.invoicing and the providers."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.contrib import messages
from django.http import HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from billing import access, providers, subscriptions
from billing.invoice_pdf import render as render_pdf
from billing.invoice_pdf import title_of
from billing.models import Provider, Subscription
from billing.money import format_money, to_minor
from billing.providers.base import NotificationRefused, ProviderUnavailable, ReturnUrls
from shadowvault.content_security import HEADER, policy_allowing_forms_to
from tenants.access import is_site_admin, members_only
from tenants.middleware import membership_for
from tenants.models import ViewerPlan
from tenants.request_types import SiteRequest

# A person's own invoices on one site: a monthly plan makes twelve a year.
INVOICES_SHOWN = 120


@dataclass(frozen=True)
class PlanRow:
    plan: ViewerPlan
    price: str
    is_current: bool
    is_free: bool


@require_GET
def plans(request: SiteRequest) -> HttpResponse:
    tenant = request.tenant
    membership = membership_for(request, request.user)
    current = membership.viewer_plan_id if membership else None
    current = current or getattr(tenant.default_viewer_plan, "pk", None)
    rows = [
        PlanRow(plan, _price(plan.price, plan.currency), plan.pk == current, plan.price == 0)
        for plan in ViewerPlan.objects.for_tenant(tenant).order_by("price", "name")
    ]
    live = []
    if request.user.is_authenticated:
        live = list(
            access.own_subscriptions(request)
            .filter(status__in=access.LIVE)
            .select_related("viewer_plan")[:5]
        )
    site_plan = tenant.plan if is_site_admin(request) else None
    site_live = list(access.site_subscriptions(request).filter(status__in=access.LIVE)[:1])
    context = {
        "rows": rows,
        "live": live,
        "site_plan": site_plan,
        "site_price": _price(site_plan.monthly_price, site_plan.currency) if site_plan else "",
        "site_live": site_live[0] if site_live else None,
    }
    response = render(request, "billing/plans.html", context)
    # Its Subscribe and Manage billing forms are answered by redirects to the provider's pages.
    response[HEADER] = policy_allowing_forms_to(*providers.hosted_origins())
    return response


@require_POST
@members_only("billing:plans")
def subscribe(request: SiteRequest, plan_id: int) -> HttpResponse:
    plan = get_object_or_404(ViewerPlan.objects.for_tenant(request.tenant), pk=plan_id)
    if plan.price == 0:
        return _refuse(request, f"{plan.name} is free: there is nothing to pay.")
    if access.own_subscriptions(request).filter(viewer_plan=plan, status__in=access.LIVE).exists():
        messages.info(request, f"You already subscribe to {plan.name}.")
        return redirect("billing:plans")
    provider = providers.configured()
    subscription = subscriptions.start(
        request.tenant, user=request.user, provider=provider.name, viewer_plan=plan
    )
    return _checkout(request, provider, subscription)


@require_POST
@members_only("billing:plans")
def subscribe_site(request: SiteRequest) -> HttpResponse:
    """A site admin pays the site's plan to the operator."""
    plan = request.tenant.plan
    if not is_site_admin(request) or plan is None:
        return _refuse(request, "Only this site's admins pay for its plan.", status=403)
    if plan.monthly_price == 0:
        return _refuse(request, f"{plan.name} is free: there is nothing to pay.")
    if access.site_subscriptions(request).filter(status__in=access.LIVE).exists():
        messages.info(request, "The site's plan is already paid for.")
        return redirect("billing:plans")
    provider = providers.configured()
    subscription = subscriptions.start(
        request.tenant, user=request.user, provider=provider.name, site_plan=plan
    )
    return _checkout(request, provider, subscription)


def _checkout(request: SiteRequest, provider, subscription: Subscription) -> HttpResponse:
    back = ReturnUrls(
        success=request.build_absolute_uri(reverse("billing:checkout-done")),
        cancel=request.build_absolute_uri(reverse("billing:plans")),
    )
    try:
        email = getattr(request.user, "email", "")
        url = provider.start_checkout(subscription, email=email, back=back)
    except ProviderUnavailable as failed:
        if not subscription.invoices.exists():
            subscription.delete()  # nothing was bought: no row to explain later
        return _refuse(request, str(failed), status=502)
    return redirect(url)


@require_POST
@members_only("billing:plans")
def portal(request: SiteRequest) -> HttpResponse:
    latest = (
        (access.own_subscriptions(request) | access.site_subscriptions(request))
        .exclude(provider_customer_id="", provider=Provider.STRIPE)
        .order_by("-created_at")
        .first()
    )
    if latest is None:
        messages.info(request, "You have nothing to manage yet.")
        return redirect("billing:plans")
    back = request.build_absolute_uri(reverse("billing:plans"))
    try:
        url = providers.provider_named(latest.provider).portal_url(latest, return_url=back)
    except ProviderUnavailable as failed:
        return _refuse(request, str(failed), status=502)
    return redirect(url or "billing:invoices")


@require_GET
def checkout_done(request: SiteRequest) -> HttpResponse:
    return render(request, "billing/checkout_done.html")


@require_GET
@members_only("billing:invoices")
def invoices(request: SiteRequest) -> HttpResponse:
    shown = access.visible_invoices(request).select_related("tenant")[:INVOICES_SHOWN]
    return render(request, "billing/invoices.html", {"invoices": shown})


@require_GET
@members_only("billing:invoices")
def invoice(request: SiteRequest, invoice_id: int) -> HttpResponse:
    found = access.invoice_for(request, invoice_id)
    context = {
        "invoice": found,
        "title": title_of(found),
        "lines": [
            (line, format_money(line.amount_minor, found.currency)) for line in found.lines.all()
        ],
        "payments": [
            (payment, format_money(payment.amount_minor, payment.currency))
            for payment in found.payments.all()
        ],
        "operator_name": settings.BILLING_OPERATOR_NAME,
    }
    return render(request, "billing/invoice.html", context)


@require_GET
@members_only("billing:invoices")
def invoice_pdf(request: SiteRequest, invoice_id: int) -> HttpResponse:
    found = access.invoice_for(request, invoice_id)
    body = render_pdf(found, operator_name=settings.BILLING_OPERATOR_NAME)
    response = HttpResponse(body, content_type="application/pdf")
    name = f"{title_of(found).lower()}-{found.label}.pdf"
    response["Content-Disposition"] = f'inline; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    return response


@csrf_exempt  # Stripe signs the body (Stripe-Signature); it has no session or CSRF token
@require_POST
def stripe_webhook(request: SiteRequest) -> HttpResponse:
    try:
        outcome = providers.provider_named(Provider.STRIPE).handle_notification(
            request.body, request.headers
        )
    except NotificationRefused as refused:
        return HttpResponseBadRequest(str(refused), content_type="text/plain")
    except ProviderUnavailable as failed:
        # Nothing was kept (the event's transaction rolled back): Stripe retries later.
        return HttpResponse(str(failed), status=503, content_type="text/plain")
    return JsonResponse({"received": True, "outcome": outcome})


def _price(amount, currency: str) -> str:
    return format_money(to_minor(amount, currency), currency)


def _refuse(request: SiteRequest, text: str, status: int = 400) -> HttpResponse:
    return render(request, "billing/refused.html", {"explanation": text}, status=status)
