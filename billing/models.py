"""Subscriptions and what providers told us (docs/billing.md).

Two kinds of subscription: a site owner's to a site plan (the operator bills the site) and
a viewer's to a paid viewer plan of a site (the site bills the viewer). A subscription's
status changes only through billing.subscriptions.set_status, which keeps the order of
events (billing.subscription_rules) and records each change as a SubscriptionChange.
Invoices and payments are in billing.invoice_models.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from tenants.scoping import TenantOwned


class Provider(models.TextChoices):
    STRIPE = "stripe", "Stripe"
    MANUAL = "manual", "Manual (the operator records payments)"


class Status(models.TextChoices):
    INCOMPLETE = "incomplete", "Incomplete"
    ACTIVE = "active", "Active"
    PAST_DUE = "past_due", "Past due"
    CANCELED = "canceled", "Canceled"


class Kind(models.TextChoices):
    SITE = "site", "Site plan (the operator bills the site)"
    VIEWER = "viewer", "Viewer plan (the site bills the viewer)"


class Subscription(TenantOwned):
    """Who pays for which plan, through which provider, and where it stands."""

    # Money records outlive a closed site's member data.
    removed_when_site_closes = False

    kind = models.CharField(max_length=10, choices=Kind.choices)
    # The viewer (viewer plans) or the site admin who subscribed the site (site plans).
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="subscriptions",
    )
    site_plan = models.ForeignKey(
        "tenants.SitePlan", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # A viewer plan goes with a closed site's data (tenants.closed_site_data) while its
    # subscriptions stay as records: they keep the plan's name.
    viewer_plan = models.ForeignKey(
        "tenants.ViewerPlan", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    plan_name_then = models.CharField(
        "plan name", max_length=100, blank=True, help_text="The plan's name when subscribed."
    )
    provider = models.CharField(max_length=10, choices=Provider.choices)
    provider_customer_id = models.CharField(max_length=255, blank=True)
    provider_subscription_id = models.CharField(max_length=255, blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.INCOMPLETE)
    # When the provider said the current status (its event's time): an older event never
    # overwrites it (billing.subscription_rules).
    status_at = models.DateTimeField(null=True, blank=True)
    current_period_end = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "provider_subscription_id"],
                condition=~models.Q(provider_subscription_id=""),
                name="one_row_per_provider_subscription",
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(kind="site", site_plan__isnull=False, viewer_plan__isnull=True)
                    | models.Q(kind="viewer", site_plan__isnull=True)
                ),
                name="subscription_names_one_plan_of_its_kind",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.plan_name} for {self.payer_label} ({self.get_status_display()})"

    @property
    def plan_name(self) -> str:
        plan = self.viewer_plan if self.kind == Kind.VIEWER else self.site_plan
        return str(plan) if plan is not None else self.plan_name_then or "—"

    @property
    def payer_label(self) -> str:
        if self.kind == Kind.SITE:
            return f"the site {self.tenant}"
        return str(self.user) if self.user_id else "a former member"


class SubscriptionChange(TenantOwned):
    """The record of a subscription's status changes and what each changed on the site."""

    removed_when_site_closes = False

    subscription = models.ForeignKey(Subscription, on_delete=models.CASCADE, related_name="changes")
    from_status = models.CharField(max_length=12, choices=Status.choices)
    to_status = models.CharField(max_length=12, choices=Status.choices)
    reason = models.CharField(max_length=500)
    # What followed on the site: a viewer's plan, the site's state.
    effect = models.CharField(max_length=500, blank=True)
    at = models.DateTimeField()

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.from_status} → {self.to_status}: {self.reason}"


class ProviderEvent(models.Model):
    """A provider's notification already handled: the same event id again does nothing."""

    provider = models.CharField(max_length=10, choices=Provider.choices)
    event_id = models.CharField(max_length=255)
    type = models.CharField(max_length=100)
    outcome = models.CharField(max_length=500, blank=True)
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-received_at"]
        constraints = [
            models.UniqueConstraint(fields=["provider", "event_id"], name="one_row_per_event"),
        ]

    def __str__(self) -> str:
        return f"{self.provider} {self.type} {self.event_id}"


# Split models live in modules named for what they hold; Django's registry imports
# `billing.models`, which brings them in.
from billing.invoice_models import Invoice, InvoiceLine, IssuerCounter, Payment  # noqa: E402

__all__ = [
    "Invoice",
    "InvoiceLine",
    "IssuerCounter",
    "Kind",
    "Payment",
    "Provider",
    "ProviderEvent",
    "Status",
    "Subscription",
    "SubscriptionChange",
]
