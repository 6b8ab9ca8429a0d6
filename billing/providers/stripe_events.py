"""Stripe's webhook events, applied once each and in the right order.

Once: the event id goes into billing.models.ProviderEvent in the same transaction as what
the event does, so a repeated delivery (Stripe retries until it gets a 2xx) does nothing.
In order: each status carries the event's `created` time and an older one never overwrites
a newer one (billing.subscription_rules). Our rows are found by Stripe's ids, or, before
those are known, by the metadata we gave the Checkout Session (billing.providers.stripe
.metadata), checked against the row's own site: the event's signature is what makes it
believed at all.

Events (docs.stripe.com/api/events/types): checkout.session.completed,
customer.subscription.created / updated / deleted, invoice.paid, invoice.payment_failed.
Others are recorded and left alone.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from django.db import IntegrityError, transaction

from billing import invoicing, subscriptions
from billing.invoice_models import Invoice, InvoiceStatus
from billing.models import Provider, ProviderEvent, Status, Subscription
from billing.providers.base import NotificationRefused
from billing.subscription_rules import STRIPE_STATUS

logger = logging.getLogger(__name__)

Event = dict[str, Any]
Retrieve = Callable[[str], dict[str, Any]]


def handle(event: Event, retrieve: Retrieve) -> str:
    try:
        event_id, kind, created = str(event["id"]), str(event["type"]), _time(event["created"])
        obj = event["data"]["object"]
        if not isinstance(obj, dict):
            raise TypeError
    except (KeyError, TypeError, ValueError, OverflowError):
        raise NotificationRefused("The event lacks its id, type, time or object.") from None
    handler = HANDLERS.get(kind)
    try:
        with transaction.atomic():
            try:
                with transaction.atomic():
                    seen = ProviderEvent.objects.create(
                        provider=Provider.STRIPE, event_id=event_id[:255], type=kind[:100]
                    )
            except IntegrityError:
                return "Already handled."  # the same event id: Stripe delivered it again
            outcome = handler(obj, created, retrieve) if handler else "Not an event we act on."
            seen.outcome = outcome[:500]
            seen.save(update_fields=["outcome"])
    except (KeyError, TypeError, ValueError, AttributeError, OverflowError) as malformed:
        logger.warning("Stripe event %s (%s) could not be read: %r", event_id, kind, malformed)
        raise NotificationRefused(f"The {kind} event could not be read.") from None
    return outcome


def _time(value: Any) -> datetime:
    return datetime.fromtimestamp(int(value), tz=UTC)


def _ours(meta: Any, stripe_subscription_id: str = "") -> Subscription | None:
    """Our row named by an event: by Stripe's subscription id once we know it, else by the
    metadata, which must agree with the row's own site and not name another Stripe id."""
    rows = Subscription.objects.select_related("tenant", "viewer_plan", "site_plan", "user")
    if stripe_subscription_id:
        found = rows.filter(
            provider=Provider.STRIPE, provider_subscription_id=stripe_subscription_id
        ).first()
        if found is not None:
            return found
    meta = meta if isinstance(meta, dict) else {}
    pk, site = str(meta.get("shadowvault_subscription", "")), str(meta.get("site", ""))
    if not pk.isascii() or not pk.isdigit() or len(pk) > 18:
        return None
    found = rows.filter(pk=int(pk), provider=Provider.STRIPE).first()
    if found is None or str(found.tenant_id) != site:
        return None
    if stripe_subscription_id and found.provider_subscription_id not in (
        "",
        stripe_subscription_id,
    ):
        return None
    return found


def _link(subscription: Subscription, customer: Any, stripe_subscription_id: Any) -> None:
    fields = []
    if isinstance(customer, str) and customer and not subscription.provider_customer_id:
        subscription.provider_customer_id = customer
        fields.append("provider_customer_id")
    if (
        isinstance(stripe_subscription_id, str)
        and stripe_subscription_id
        and not (subscription.provider_subscription_id)
    ):
        subscription.provider_subscription_id = stripe_subscription_id
        fields.append("provider_subscription_id")
    if fields:
        subscription.save(update_fields=[*fields, "updated_at"])


def _period_end(stripe_subscription: dict) -> datetime | None:
    # API 2025-03-31 and later keep the period on each item; earlier on the subscription.
    items = (stripe_subscription.get("items") or {}).get("data") or []
    ends = [item["current_period_end"] for item in items if item.get("current_period_end")]
    end = max(ends) if ends else stripe_subscription.get("current_period_end")
    return _time(end) if end else None


def _apply(subscription: Subscription, stripe_subscription: dict, at: datetime, reason: str) -> str:
    status = STRIPE_STATUS.get(str(stripe_subscription.get("status")))
    if status is None:
        return f"Unknown Stripe status {stripe_subscription.get('status')!r}: left alone."
    change = subscriptions.set_status(
        subscription, status, at=at, reason=reason, period_end=_period_end(stripe_subscription)
    )
    if change is None:
        return f"Subscription {subscription.pk} stays {subscription.status} (older or repeated)."
    moved = f"{change.from_status} → {change.to_status}"
    return f"Subscription {subscription.pk}: {moved}. {change.effect}"


def checkout_completed(session: dict, at: datetime, retrieve: Retrieve) -> str:
    if session.get("mode") != "subscription":
        return "Not a subscription checkout."
    stripe_id = session.get("subscription") or ""
    ours = _ours(session.get("metadata"), stripe_id if isinstance(stripe_id, str) else "")
    if ours is None:
        return "No subscription of ours is named."
    _link(ours, session.get("customer"), stripe_id)
    if not ours.provider_subscription_id:
        return "Checkout completed without a subscription."
    # The session says only that checkout ended; the subscription says where it stands.
    current = retrieve(ours.provider_subscription_id)
    return _apply(ours, current, at, "Stripe: checkout completed.")


def subscription_changed(stripe_subscription: dict, at: datetime, retrieve: Retrieve) -> str:
    stripe_id = str(stripe_subscription["id"])
    ours = _ours(stripe_subscription.get("metadata"), stripe_id)
    if ours is None:
        return "No subscription of ours is named."
    _link(ours, stripe_subscription.get("customer"), stripe_id)
    return _apply(
        ours, stripe_subscription, at, f"Stripe: subscription {stripe_subscription.get('status')}."
    )


def _invoice_subscription(invoice: dict) -> tuple[str, Any]:
    """The invoice's subscription id and metadata: under parent.subscription_details since
    API 2025-03-31, on the invoice itself before."""
    details = ((invoice.get("parent") or {}).get("subscription_details")) or {}
    stripe_id = details.get("subscription") or invoice.get("subscription") or ""
    return (stripe_id if isinstance(stripe_id, str) else ""), details.get("metadata")


def _mirror(ours: Subscription, invoice: dict) -> Invoice:
    """Our copy of Stripe's invoice, numbered by its issuer like every invoice here."""
    existing = Invoice.objects.filter(provider=Provider.STRIPE, provider_invoice_id=invoice["id"])
    found = existing.first()
    if found is not None:
        return found
    lines = []
    period_ends = []
    for line in (invoice.get("lines") or {}).get("data") or []:
        quantity = int(line.get("quantity") or 1)
        amount = int(line["amount"])
        lines.append(
            invoicing.Line(
                str(line.get("description") or ours.plan_name), amount // quantity, quantity
            )
        )
        if (line.get("period") or {}).get("end"):
            period_ends.append(int(line["period"]["end"]))
    return invoicing.issue(
        ours,
        lines or [invoicing.Line(ours.plan_name, int(invoice.get("amount_due") or 0))],
        currency=str(invoice["currency"]),
        issued_at=_time(invoice["created"]),
        period_end=_time(max(period_ends)) if period_ends else None,
        provider_invoice_id=str(invoice["id"]),
    )


def invoice_paid(invoice: dict, at: datetime, retrieve: Retrieve) -> str:
    stripe_id, meta = _invoice_subscription(invoice)
    ours = _ours(meta, stripe_id)
    if ours is None:
        return "No subscription of ours is named."
    _link(ours, invoice.get("customer"), stripe_id)
    mirror = _mirror(ours, invoice)
    number = invoice.get("number") or invoice["id"]
    if mirror.status != InvoiceStatus.PAID:
        paid_at = (invoice.get("status_transitions") or {}).get("paid_at")
        when = _time(paid_at) if paid_at else at
        mirror.payments.create(
            tenant_id=mirror.tenant_id,
            amount_minor=int(invoice.get("amount_paid") or mirror.amount_minor),
            currency=mirror.currency,
            paid_at=when,
            reference=f"Stripe {number}",
            provider=Provider.STRIPE,
        )
        mirror.status, mirror.paid_at = InvoiceStatus.PAID, when
        mirror.save(update_fields=["status", "paid_at"])
    change = subscriptions.set_status(
        ours,
        Status.ACTIVE,
        at=at,
        reason=f"Stripe: invoice {number} paid.",
        period_end=mirror.period_end,
    )
    return f"Invoice {mirror.label} paid. " + (change.effect if change else "")


def invoice_payment_failed(invoice: dict, at: datetime, retrieve: Retrieve) -> str:
    stripe_id, meta = _invoice_subscription(invoice)
    ours = _ours(meta, stripe_id)
    if ours is None:
        return "No subscription of ours is named."
    _link(ours, invoice.get("customer"), stripe_id)
    mirror = _mirror(ours, invoice)
    number = invoice.get("number") or invoice["id"]
    change = subscriptions.set_status(
        ours, Status.PAST_DUE, at=at, reason=f"Stripe: invoice {number} payment failed."
    )
    return f"Invoice {mirror.label} unpaid. " + (change.effect if change else "")


HANDLERS: dict[str, Callable[[dict, datetime, Retrieve], str]] = {
    "checkout.session.completed": checkout_completed,
    "customer.subscription.created": subscription_changed,
    "customer.subscription.updated": subscription_changed,
    "customer.subscription.deleted": subscription_changed,
    "invoice.paid": invoice_paid,
    "invoice.payment_failed": invoice_payment_failed,
}
