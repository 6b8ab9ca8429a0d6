"""Payment providers behind one interface (billing.providers.base): Stripe and manual."""

from __future__ import annotations

from django.conf import settings

from billing.providers.base import BillingProvider
from billing.providers.manual import ManualProvider
from billing.providers.stripe import StripeProvider

PROVIDERS: dict[str, type[BillingProvider]] = {
    ManualProvider.name: ManualProvider,
    StripeProvider.name: StripeProvider,
}


def provider_named(name: str) -> BillingProvider:
    return PROVIDERS[name]()


def configured() -> BillingProvider:
    """The provider new subscriptions use (settings.BILLING_PROVIDER)."""
    return provider_named(settings.BILLING_PROVIDER)


def hosted_origins() -> tuple[str, ...]:
    """Every provider's hosted pages: a subscription made under one provider is still
    managed there after the operator moves new ones to another."""
    return tuple(origin for kind in PROVIDERS.values() for origin in kind.hosted_origins)
