"""Who sees which billing rows on the request's site: one place, used by every billing page.

A viewer sees the invoices and subscriptions billed to them on this site; the site's admins
also see what the operator bills the site; an operator sees every one of this site's. Rows
of another site are never in these querysets (they start from `.for_tenant`).
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from billing.invoice_models import Invoice, Issuer
from billing.models import Kind, Status, Subscription
from tenants.access import is_operator, is_site_admin
from tenants.request_types import SiteRequest


def visible_invoices(request: SiteRequest) -> QuerySet[Invoice]:
    invoices = Invoice.objects.for_tenant(request.tenant)
    if is_operator(request):
        return invoices
    mine = Q(bill_to=request.user, issuer=Issuer.SITE)
    if is_site_admin(request):
        mine |= Q(issuer=Issuer.OPERATOR)
    return invoices.filter(mine)


def invoice_for(request: SiteRequest, invoice_id: int) -> Invoice:
    invoice = (
        visible_invoices(request).select_related("tenant", "bill_to").filter(pk=invoice_id).first()
    )
    if invoice is None:
        raise Http404("No such invoice here.")
    return invoice


def own_subscriptions(request: SiteRequest) -> QuerySet[Subscription]:
    """The signed-in member's viewer subscriptions on this site, newest first."""
    return Subscription.objects.for_tenant(request.tenant).filter(
        kind=Kind.VIEWER, user=request.user
    )


def site_subscriptions(request: SiteRequest) -> QuerySet[Subscription]:
    """The site's own subscriptions to its site plan (its admins and operators only)."""
    if not is_site_admin(request):
        return Subscription.objects.none()
    return Subscription.objects.for_tenant(request.tenant).filter(kind=Kind.SITE)


LIVE = (Status.ACTIVE, Status.PAST_DUE)
