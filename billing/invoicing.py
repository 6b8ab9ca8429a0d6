"""Issuing invoices and recording payments against them: the manual provider's whole job,
and where Stripe's invoice events land (billing.providers.stripe_events)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import F, Sum
from django.utils import timezone

from billing import subscriptions
from billing.invoice_models import Invoice, InvoiceLine, InvoiceStatus, Issuer, IssuerCounter
from billing.models import Kind, Status, Subscription
from billing.money import format_money, to_minor

# A plan's price is per month; the period a manual invoice covers.
PERIOD = timedelta(days=30)


class PaymentRefused(ValueError):
    """A payment that cannot be recorded; the message says why."""


@dataclass(frozen=True)
class Line:
    description: str
    unit_amount_minor: int
    quantity: int = 1


def issuer_of(subscription: Subscription) -> str:
    return Issuer.OPERATOR if subscription.kind == Kind.SITE else Issuer.SITE


def next_number(issuer: str, tenant_id: int) -> int:
    """The issuer's next invoice number, without gaps; call inside a transaction."""
    key = "operator" if issuer == Issuer.OPERATOR else f"site-{tenant_id}"
    IssuerCounter.objects.get_or_create(key=key)
    # One UPDATE increments and locks the row until the transaction ends, so two invoices
    # issued at once get two numbers on both databases.
    IssuerCounter.objects.filter(key=key).update(last=F("last") + 1)
    return IssuerCounter.objects.get(key=key).last


def plan_line(subscription: Subscription) -> Line:
    """One month of the subscription's plan (a check constraint: it names one of its kind)."""
    viewer_plan, site_plan = subscription.viewer_plan, subscription.site_plan
    if viewer_plan is not None:
        name, price = f"{viewer_plan.name} on {subscription.tenant}", viewer_plan.price
    elif site_plan is not None:
        name, price = site_plan.name, site_plan.monthly_price
    else:
        raise ValueError(f"Subscription {subscription.pk} names no plan.")
    return Line(f"{name}, one month", to_minor(price, plan_currency(subscription)))


def plan_currency(subscription: Subscription) -> str:
    plan = subscription.viewer_plan or subscription.site_plan
    if plan is None:
        raise ValueError(f"Subscription {subscription.pk} names no plan.")
    return plan.currency


def issue(
    subscription: Subscription,
    lines: list[Line],
    *,
    currency: str,
    issued_at: datetime,
    period_end: datetime | None = None,
    provider_invoice_id: str = "",
) -> Invoice:
    """An open invoice of `lines` to the subscription's payer, numbered by its issuer."""
    issuer = issuer_of(subscription)
    with transaction.atomic():
        invoice = Invoice.objects.create(
            tenant_id=subscription.tenant_id,
            issuer=issuer,
            number=next_number(issuer, subscription.tenant_id),
            subscription=subscription,
            bill_to_id=subscription.user_id,
            currency=currency.upper(),
            amount_minor=sum(line.unit_amount_minor * line.quantity for line in lines),
            issued_at=issued_at,
            period_end=period_end,
            provider=subscription.provider,
            provider_invoice_id=provider_invoice_id,
        )
        InvoiceLine.objects.bulk_create(
            InvoiceLine(
                invoice=invoice,
                description=line.description[:500],
                quantity=line.quantity,
                unit_amount_minor=line.unit_amount_minor,
                amount_minor=line.unit_amount_minor * line.quantity,
            )
            for line in lines
        )
    return invoice


def record_payment(
    invoice: Invoice,
    *,
    amount_minor: int,
    paid_at: datetime,
    reference: str,
    provider: str,
    by=None,
    reason: str = "",
) -> Invoice:
    """Record a payment; once the payments cover the total the invoice is paid and its
    subscription active (billing.subscriptions.set_status, with `reason`)."""
    if amount_minor <= 0:
        raise PaymentRefused("A payment is more than nothing.")
    with transaction.atomic():
        row = Invoice.objects.select_for_update().get(pk=invoice.pk)
        if row.status in (InvoiceStatus.PAID, InvoiceStatus.VOID):
            raise PaymentRefused(f"Invoice {row.label} is {row.get_status_display().lower()}.")
        row.payments.create(
            tenant_id=row.tenant_id,
            amount_minor=amount_minor,
            currency=row.currency,
            paid_at=paid_at,
            reference=reference[:255],
            provider=provider,
            recorded_by=by,
        )
        received = row.payments.aggregate(total=Sum("amount_minor"))["total"] or 0
        if received < row.amount_minor:
            return row  # part paid: the invoice stays open
        row.status = InvoiceStatus.PAID
        row.paid_at = paid_at
        row.save(update_fields=["status", "paid_at"])
        if row.subscription_id is not None:
            period_end = row.period_end or paid_at + PERIOD
            # Now, not the day the money arrived: what we record now is the newest news.
            subscriptions.set_status(
                row.subscription,
                Status.ACTIVE,
                at=timezone.now(),
                reason=reason
                or f"Invoice {row.label} paid ({format_money(received, row.currency)}).",
                period_end=period_end,
            )
    invoice.refresh_from_db()
    return invoice
