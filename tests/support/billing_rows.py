"""Fixtures of the billing tests (tests/test_billing_stripe.py and its neighbours): Alpha's
free and paid viewer plans, a site plan with a price, and Stripe's local double
(tests/support/stripe_double.py) with the settings pointing at it."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client

from tenants.models import SitePlan, ViewerPlan
from tests.support.stripe_double import SECRET_KEY, WEBHOOK_SECRET, StripeDouble, WebhookSender


@pytest.fixture
def free_plan(alpha) -> ViewerPlan:
    return ViewerPlan.objects.create(tenant=alpha, name="Free", is_default=True, ads=True)


@pytest.fixture
def premium(alpha, free_plan) -> ViewerPlan:
    return ViewerPlan.objects.create(
        tenant=alpha, name="Premium", price=Decimal("4.99"), currency="EUR", ads=False
    )


@pytest.fixture
def alpha_site_plan(alpha) -> SitePlan:
    plan = SitePlan.objects.create(name="Studio", monthly_price=Decimal("20.00"), currency="EUR")
    alpha.plan = plan
    alpha.save(update_fields=["plan"])
    return plan


@pytest.fixture
def stripe_double(settings):
    with StripeDouble() as double:
        settings.BILLING_PROVIDER = "stripe"
        settings.STRIPE_SECRET_KEY = SECRET_KEY
        settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
        settings.STRIPE_API_BASE = double.url
        yield double


@pytest.fixture
def webhook() -> WebhookSender:
    """Stripe's deliveries, to Alpha's hostname (any site's hostname reaches the webhook)."""
    return WebhookSender(Client(HTTP_HOST="a.test"))


def signed_in(user, host: str = "a.test") -> Client:
    client = Client(HTTP_HOST=host)
    client.force_login(user)
    return client
