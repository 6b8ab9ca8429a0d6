"""Invoices, their lines, and payments against them (docs/billing.md).

An invoice has an issuer: the operator (a site owner's invoice for a site plan) or the site
(a viewer's invoice for a viewer plan). Each issuer numbers its own invoices without gaps
(billing.invoicing.next_number). Amounts are integers in the currency's minor units
(billing.money).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from billing.money import format_money
from tenants.scoping import TenantOwned


class Issuer(models.TextChoices):
    OPERATOR = "operator", "The operator"
    SITE = "site", "The site"


class InvoiceStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    OPEN = "open", "Open"
    PAID = "paid", "Paid"
    VOID = "void", "Void"


class IssuerCounter(models.Model):
    """The last invoice number an issuer gave ("operator", or "site-<id>")."""

    key = models.CharField(max_length=40, unique=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.key}: {self.last}"


class Invoice(TenantOwned):
    # Kept when a closed site's member data goes: invoices are accounting records.
    removed_when_site_closes = False

    issuer = models.CharField(max_length=10, choices=Issuer.choices)
    number = models.PositiveIntegerField()
    subscription = models.ForeignKey(
        "billing.Subscription",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="invoices",
    )
    bill_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="invoices",
    )
    currency = models.CharField(max_length=3)
    amount_minor = models.BigIntegerField(help_text="The total, in the currency's minor units.")
    status = models.CharField(
        max_length=5, choices=InvoiceStatus.choices, default=InvoiceStatus.OPEN
    )
    issued_at = models.DateTimeField()
    paid_at = models.DateTimeField(null=True, blank=True)
    period_end = models.DateTimeField(null=True, blank=True)
    provider = models.CharField(max_length=10)
    provider_invoice_id = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-issued_at", "-pk"]
        constraints = [
            # Operator invoices are numbered across every site, a site's own per site: the
            # tenant is part of the key only for the site's.
            models.UniqueConstraint(
                fields=["number"],
                condition=models.Q(issuer="operator"),
                name="operator_invoice_numbers_unique",
            ),
            models.UniqueConstraint(
                fields=["tenant", "number"],
                condition=models.Q(issuer="site"),
                name="site_invoice_numbers_unique",
            ),
            models.UniqueConstraint(
                fields=["provider", "provider_invoice_id"],
                condition=~models.Q(provider_invoice_id=""),
                name="one_row_per_provider_invoice",
            ),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        """ "OP-000012" for the operator's invoices, "<SITE SLUG>-000012" for a site's."""
        prefix = "OP" if self.issuer == Issuer.OPERATOR else self.tenant.slug.upper()
        return f"{prefix}-{self.number:06d}"

    @property
    def total(self) -> str:
        return format_money(self.amount_minor, self.currency)

    @property
    def is_paid(self) -> bool:
        return self.status == InvoiceStatus.PAID


class InvoiceLine(models.Model):
    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="lines")
    description = models.CharField(max_length=500)
    quantity = models.PositiveIntegerField(default=1)
    unit_amount_minor = models.BigIntegerField()
    amount_minor = models.BigIntegerField()

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.description


class Payment(TenantOwned):
    removed_when_site_closes = False

    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="payments")
    amount_minor = models.BigIntegerField()
    currency = models.CharField(max_length=3)
    paid_at = models.DateTimeField()
    reference = models.CharField(max_length=255, help_text="The bank's or provider's reference.")
    provider = models.CharField(max_length=10)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-paid_at", "-pk"]

    def __str__(self) -> str:
        return f"{format_money(self.amount_minor, self.currency)} ({self.reference})"
