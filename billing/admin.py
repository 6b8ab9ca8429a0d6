"""The operator's side of billing: subscriptions, invoices of site owners and viewers, the
providers' events, and "Record a payment" for the manual provider. Money is the operator's
business here, so these pages are operators' only (tenants.admin_scoping.OperatorOnlyAdmin).
"""

from __future__ import annotations

from datetime import datetime, time

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.utils import timezone

from billing import invoicing
from billing.invoice_models import Invoice, InvoiceLine, InvoiceStatus, Payment
from billing.models import Provider, ProviderEvent, Subscription, SubscriptionChange
from billing.money import decimals, to_minor
from shadowvault.admin_read_only import ReadOnlyAdminMixin, ReadOnlyTabularInline
from tenants.admin_scoping import OperatorOnlyAdmin

CONFIRMED = "apply"


class SubscriptionChangeInline(ReadOnlyTabularInline):
    model = SubscriptionChange
    fields = readonly_fields = ("at", "from_status", "to_status", "reason", "effect")


class InvoiceLineInline(ReadOnlyTabularInline):
    model = InvoiceLine
    fields = readonly_fields = ("description", "quantity", "unit_amount_minor", "amount_minor")


class PaymentInline(ReadOnlyTabularInline):
    model = Payment
    fields = readonly_fields = (
        "paid_at",
        "amount_minor",
        "currency",
        "reference",
        "provider",
        "recorded_by",
    )


class ReadOnlyAdmin(ReadOnlyAdminMixin, OperatorOnlyAdmin):
    """Rows written by the providers and the payment action, never by hand."""


@admin.register(Subscription)
class SubscriptionAdmin(ReadOnlyAdmin):
    list_display = [
        "__str__",
        "tenant",
        "kind",
        "provider",
        "status",
        "current_period_end",
        "updated_at",
    ]
    list_filter = ["kind", "status", "provider", "tenant"]
    list_select_related = ["tenant", "user", "viewer_plan", "site_plan"]
    search_fields = ["user__username", "provider_subscription_id", "provider_customer_id"]
    inlines = [SubscriptionChangeInline]


class RecordPaymentForm(forms.Form):
    amount = forms.DecimalField(min_value=0, max_digits=14, decimal_places=3)
    paid_on = forms.DateField(label="Paid on", help_text="YYYY-MM-DD")
    reference = forms.CharField(max_length=255, help_text="The bank's reference of the transfer.")

    def __init__(self, *args, invoice: Invoice, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.invoice = invoice

    def clean_amount(self):
        amount = self.cleaned_data["amount"]
        places = decimals(self.invoice.currency)
        if amount != round(amount, places):
            raise forms.ValidationError(f"{self.invoice.currency} has {places} decimal places.")
        if amount <= 0:
            raise forms.ValidationError("Enter the amount received.")
        return amount

    def clean_paid_on(self):
        paid_on = self.cleaned_data["paid_on"]
        if paid_on > timezone.localdate():
            raise forms.ValidationError("A payment cannot be in the future.")
        return paid_on


@admin.register(Invoice)
class InvoiceAdmin(ReadOnlyAdmin):
    list_display = [
        "label",
        "tenant",
        "issuer",
        "bill_to",
        "total",
        "status",
        "provider",
        "issued_at",
    ]
    list_filter = ["issuer", "status", "provider", "tenant"]
    list_select_related = ["tenant", "bill_to"]
    search_fields = ["bill_to__username", "provider_invoice_id"]
    inlines = [InvoiceLineInline, PaymentInline]
    actions = ["record_payment"]

    def has_payment_permission(self, request: HttpRequest) -> bool:
        return super().has_view_permission(request)

    @admin.action(
        description="Record a payment against the selected invoice…", permissions=["payment"]
    )
    def record_payment(self, request: HttpRequest, queryset: QuerySet) -> TemplateResponse | None:
        invoices = list(queryset.select_related("tenant")[:2])
        if len(invoices) != 1:
            self.message_user(
                request, "Choose one invoice to record a payment against.", messages.ERROR
            )
            return None
        invoice = invoices[0]
        if invoice.provider != Provider.MANUAL or invoice.status != InvoiceStatus.OPEN:
            self.message_user(
                request,
                f"{invoice.label} is not an open invoice of the manual provider.",
                messages.ERROR,
            )
            return None
        form = RecordPaymentForm(
            request.POST if CONFIRMED in request.POST else None, invoice=invoice
        )
        if form.is_valid():
            self._record(request, invoice, form.cleaned_data)
            return None
        context = {
            **admin.site.each_context(request),
            "title": f"Record a payment against {invoice.label}",
            "invoice": invoice,
            "form": form,
            "selected": [str(invoice.pk)],
            "action": "record_payment",
            "confirmed": CONFIRMED,
            "changelist": "admin:billing_invoice_changelist",
            "section": "Invoices",
            "submit": "Record the payment",
        }
        return TemplateResponse(request, "admin/billing/invoice/record_payment.html", context)

    def _record(self, request: HttpRequest, invoice: Invoice, data: dict) -> None:
        paid_at = timezone.make_aware(datetime.combine(data["paid_on"], time(12)))
        try:
            invoicing.record_payment(
                invoice,
                amount_minor=to_minor(data["amount"], invoice.currency),
                paid_at=paid_at,
                reference=data["reference"],
                provider=Provider.MANUAL,
                by=request.user,
                reason=f"Manual: payment {data['reference']} recorded by {request.user}.",
            )
        except invoicing.PaymentRefused as refused:
            self.message_user(request, str(refused), messages.ERROR)
            return
        invoice.refresh_from_db()
        status = invoice.get_status_display().lower()
        self.message_user(
            request,
            f"{invoice.label}: payment recorded; the invoice is {status}.",
            messages.SUCCESS,
        )


@admin.register(ProviderEvent)
class ProviderEventAdmin(ReadOnlyAdmin):
    list_display = ["event_id", "provider", "type", "outcome", "received_at"]
    list_filter = ["provider", "type"]
    search_fields = ["event_id"]
