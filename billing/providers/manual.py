"""The manual provider: the site issues an invoice and the operator records the payment
(bank transfer, cash) in the admin (billing.admin, "Record a payment"), which makes the
subscription active through billing.invoicing.record_payment."""

from __future__ import annotations

from collections.abc import Mapping

from django.urls import reverse
from django.utils import timezone

from billing import invoicing
from billing.invoice_models import InvoiceStatus
from billing.models import Provider, Subscription
from billing.providers.base import BillingProvider, NotificationRefused, ReturnUrls


class ManualProvider(BillingProvider):
    name = Provider.MANUAL

    def start_checkout(self, subscription: Subscription, *, email: str, back: ReturnUrls) -> str:
        waiting = subscription.invoices.filter(status=InvoiceStatus.OPEN).order_by("pk").first()
        if waiting is not None:
            return reverse("billing:invoice", args=[waiting.pk])  # one invoice to pay, not two
        now = timezone.now()
        invoice = invoicing.issue(
            subscription,
            [invoicing.plan_line(subscription)],
            currency=invoicing.plan_currency(subscription),
            issued_at=now,
            period_end=now + invoicing.PERIOD,
        )
        return reverse("billing:invoice", args=[invoice.pk])

    def portal_url(self, subscription: Subscription, *, return_url: str) -> str | None:
        return reverse("billing:invoices")  # the invoices say how to pay; nothing else to manage

    def handle_notification(self, body: bytes, headers: Mapping[str, str]) -> str:
        raise NotificationRefused("The manual provider takes no notifications.")
